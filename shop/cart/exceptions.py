class CartError(Exception):
    """A cart change the customer must be told about (message is shown as is)."""
