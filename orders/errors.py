"""Typed errors raised by the order services when a policy forbids an operation.

Every interface (storefront, admin, bot tools, agent desk) catches `OrderPolicyError` and shows
`str(error)` to the person, so messages are written for a shopper or a staff user to read."""

from __future__ import annotations


class OrderPolicyError(Exception):
    code = "policy"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OrderNotFound(OrderPolicyError):
    """Also raised for an order that exists but belongs to someone else, so the two cases are
    indistinguishable to the caller."""

    code = "order_not_found"

    def __init__(self, number: str = "") -> None:
        label = f"order {number}" if number else "that order"
        super().__init__(f"We couldn't find {label}.")


class TransitionNotAllowed(OrderPolicyError):
    code = "transition_not_allowed"


class CancelNotAllowed(OrderPolicyError):
    code = "cancel_not_allowed"


class OrderNotModifiable(OrderPolicyError):
    code = "order_not_modifiable"


class VariantSwapNotAllowed(OrderPolicyError):
    code = "variant_swap_not_allowed"


class OutOfStock(OrderPolicyError):
    code = "out_of_stock"


class PaymentMethodNotAllowed(OrderPolicyError):
    code = "payment_method_not_allowed"


class AddressInvalid(OrderPolicyError):
    code = "address_invalid"


class ReturnNotAllowed(OrderPolicyError):
    code = "return_not_allowed"


class ReturnWindowClosed(ReturnNotAllowed):
    code = "return_window_closed"
