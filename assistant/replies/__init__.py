"""Replies: the facts a flow gathered, worded for the customer, checked and streamed."""
