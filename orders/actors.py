"""Who did something. Every service that changes state takes an `Actor`, and the audit trail
records it. Customers, the bot and agents act on behalf of exactly one customer; the services
refuse to touch another customer's orders for them."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from orders.models import ActorKind, Customer


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    label: str
    user: User | None = None
    # For customer and bot actors: the only customer whose data they may touch.
    on_behalf_of: Customer | None = None

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(kind=ActorKind.SYSTEM, label=label)

    @classmethod
    def customer(cls, customer: Customer) -> Actor:
        return cls(
            kind=ActorKind.CUSTOMER,
            label=customer.email,
            user=customer.user,
            on_behalf_of=customer,
        )

    @classmethod
    def bot(cls, customer: Customer) -> Actor:
        return cls(kind=ActorKind.BOT, label="assistant", on_behalf_of=customer)

    @classmethod
    def staff(cls, user: User) -> Actor:
        return cls(kind=ActorKind.STAFF, label=user.get_username(), user=user)

    @classmethod
    def agent(cls, user: User) -> Actor:
        return cls(kind=ActorKind.AGENT, label=user.get_username(), user=user)
