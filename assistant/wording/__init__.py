"""The model's wording: the faithfulness gate between the model and the customer, the data the
model is trained on, the training itself, and the versions of the trained model."""
