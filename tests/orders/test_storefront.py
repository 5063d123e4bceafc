"""The storefront: catalog pages render for anyone; a customer sees only their own orders."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from orders.models import Customer, OrderStatus, ProductVariant
from tests.conftest import OrderMaker
from tests.factories import PASSWORD


@pytest.fixture
def alice_client(client: Client, alice: Customer) -> Client:
    assert alice.user is not None
    client.force_login(alice.user)
    return client


def test_the_product_list_shows_products_with_prices(
    client: Client, tee: dict[str, ProductVariant], mug: ProductVariant
) -> None:
    response = client.get(reverse("shop:product_list"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Harbor Tee" in body and "Camp Mug" in body
    assert "$20.00" in body and "$12.50" in body


def test_search_and_category_filter_narrow_the_list(
    client: Client, tee: dict[str, ProductVariant], mug: ProductVariant
) -> None:
    by_search = client.get(reverse("shop:product_list"), {"q": "mug"}).content.decode()
    by_category = client.get(reverse("shop:product_list"), {"category": "tops"}).content.decode()
    by_sku = client.get(reverse("shop:product_list"), {"q": "TEE-RED-M"}).content.decode()

    assert "Camp Mug" in by_search and "Harbor Tee" not in by_search
    assert "Harbor Tee" in by_category and "Camp Mug" not in by_category
    assert "Harbor Tee" in by_sku


def test_the_product_list_takes_a_fixed_number_of_queries(
    client: Client,
    tee: dict[str, ProductVariant],
    mug: ProductVariant,
    django_assert_max_num_queries,
) -> None:
    with django_assert_max_num_queries(4):
        client.get(reverse("shop:product_list"))


def test_the_product_page_lists_every_variant(
    client: Client, tee: dict[str, ProductVariant]
) -> None:
    response = client.get(reverse("shop:product_detail", args=["harbor-tee"]))

    body = response.content.decode()
    assert response.status_code == 200
    for sku in ("TEE-NAVY-M", "TEE-NAVY-L", "TEE-RED-M"):
        assert sku in body
    assert "Out of stock" in body  # red M has none
    assert "Only 1 left" in body  # navy L


def test_an_unknown_product_is_404(client: Client, db: None) -> None:
    assert client.get(reverse("shop:product_detail", args=["nope"])).status_code == 404


def test_product_images_are_generated_svg(client: Client, tee: dict[str, ProductVariant]) -> None:
    response = client.get(reverse("shop:product_image", args=["harbor-tee"]))

    assert response["Content-Type"] == "image/svg+xml"
    assert b">HT</text>" in response.content


def test_signing_in_leads_to_my_orders(
    client: Client, alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)
    login = client.get(reverse("shop:login"))
    assert login.status_code == 200

    response = client.post(
        reverse("shop:login"),
        {"username": "alice@example.com", "password": PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("shop:my_orders")
    assert order.number in response.content.decode()


def test_my_orders_needs_a_login(client: Client, db: None) -> None:
    response = client.get(reverse("shop:my_orders"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("shop:login"))


def test_alice_sees_her_order_with_tracking(
    alice_client: Client, alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.SHIPPED)

    response = alice_client.get(reverse("shop:order_detail", args=[order.number]))

    body = response.content.decode()
    assert response.status_code == 200
    assert f"1ZTEST{order.pk:010d}" in body
    assert "Harbor Tee" in body and "45.99" in body


def test_bob_cannot_see_alices_orders(
    client: Client, alice: Customer, bob: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.SHIPPED)
    assert bob.user is not None
    client.force_login(bob.user)

    listing = client.get(reverse("shop:my_orders"))
    detail = client.get(reverse("shop:order_detail", args=[order.number]))
    missing = client.get(reverse("shop:order_detail", args=["SD-999999"]))

    assert order.number not in listing.content.decode()
    assert detail.status_code == 404
    assert missing.status_code == 404


def test_bob_cannot_cancel_alices_order(
    client: Client, alice: Customer, bob: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)
    assert bob.user is not None
    client.force_login(bob.user)

    response = client.post(reverse("shop:order_cancel", args=[order.number]), {"reason": "Other"})

    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_alice_cancels_her_pending_order(
    alice_client: Client, alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)

    response = alice_client.post(
        reverse("shop:order_cancel", args=[order.number]),
        {"reason": "I ordered by mistake"},
        follow=True,
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert f"Order {order.number} is cancelled." in response.content.decode()


def test_cancelling_a_shipped_order_shows_the_policy(
    alice_client: Client, alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.SHIPPED)

    response = alice_client.post(
        reverse("shop:order_cancel", args=[order.number]),
        {"reason": "I ordered by mistake"},
        follow=True,
    )

    assert "has already shipped" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED


def test_the_help_center_lists_and_shows_published_articles(client: Client, db: None) -> None:
    from orders.models import HelpArticle

    HelpArticle.objects.create(
        slug="returns",
        title="Returns policy",
        category="returns",
        body="Return within 30 days.\n\nItems must be:\n- unused\n- with tags",
    )
    HelpArticle.objects.create(
        slug="draft", title="Secret draft", category="orders", body="x", published=False
    )

    index = client.get(reverse("shop:help_center")).content.decode()
    article = client.get(reverse("shop:help_article", args=["returns"])).content.decode()

    assert "Returns policy" in index and "Secret draft" not in index
    assert "<li>with tags</li>" in article
    assert "Items must be:" in article and "- unused" not in article
    assert client.get(reverse("shop:help_article", args=["draft"])).status_code == 404


def test_the_help_center_lists_each_article_once_in_the_readers_language(
    client: Client, db: None
) -> None:
    from orders.models import HelpArticle

    returns = HelpArticle.objects.create(
        slug="returns", title="Returns policy", category="returns", body="Return within 30 days."
    )
    HelpArticle.objects.create(
        slug="returns-zh",
        title="退货政策",
        category="returns",
        body="收货后 30 天内可退货。",
        language="zh-Hans",
        translation_of=returns,
    )
    HelpArticle.objects.create(
        slug="sizes", title="Size guide", category="products", body="Sizes run true."
    )

    english = client.get(reverse("shop:help_center"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(
        reverse("shop:help_center"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"
    ).content.decode()

    assert "Returns policy" in english and "退货政策" not in english
    assert "退货政策" in chinese and "Returns policy" not in chinese
    # An article with no translation is still listed, in its own language.
    assert "Size guide" in english and "Size guide" in chinese
