"""factory_boy factories for the shop. Orders that need a history are built through the real
services (see `conftest.order_in_status`), so tests start from states the services can reach."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth.models import User

from orders.models import (
    Address,
    Category,
    Customer,
    PaymentMethod,
    PaymentMethodKind,
    Product,
    ProductVariant,
)

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}@example.com")
    email = factory.LazyAttribute(lambda u: u.username)
    password = factory.django.Password(PASSWORD)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.LazyAttribute(lambda c: c.slug.replace("-", " ").title())


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    slug = factory.Sequence(lambda n: f"product-{n}")
    name = factory.Sequence(lambda n: f"Product {n}")
    category = factory.SubFactory(CategoryFactory)
    brand = "Harbor Basics"
    description = "A sturdy everyday product."
    rating = Decimal("4.5")
    rating_count = 12


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductVariant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    options = factory.LazyFunction(dict)
    price = Decimal("20.00")
    stock = 10


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    first_name = "Casey"
    last_name = "Shopper"
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    user = factory.SubFactory(UserFactory, username=factory.SelfAttribute("..email"))
    phone = "+1 555-000-0000"


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    customer = factory.SubFactory(CustomerFactory)
    full_name = factory.LazyAttribute(lambda a: a.customer.full_name)
    line1 = "12 Harbor St"
    city = "Portland"
    region = "OR"
    postal_code = "97205"
    country = "US"
    is_default = True


class CardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentMethod

    customer = factory.SubFactory(CustomerFactory)
    kind = PaymentMethodKind.CARD
    card_brand = "Visa"
    card_last4 = "4242"
    card_exp_month = 4
    card_exp_year = 2030
    is_default = True


class GiftCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentMethod

    customer = factory.SubFactory(CustomerFactory)
    kind = PaymentMethodKind.GIFT_CARD
    gift_card_last4 = "1111"
    gift_card_balance = Decimal("10.00")
