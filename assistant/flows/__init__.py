"""Flows: dialogue acts in, service calls, confirmations and handoffs out."""
