"""The bot's understanding: entities, the intent classifier, its database examples and eval_nlu.

The classifier tests use the real sentence encoder (small, on the CPU) on the fixture data below,
so they say what the classifier does, not what a mock does. The last test holds the project's
own data file to an accuracy floor, so a change that makes the classifier worse fails here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from assistant.understanding import encoder, intents
from assistant.understanding.entities import (
    CatalogProduct,
    CatalogVariant,
    Entities,
    ProductMatch,
    catalog_for_matching,
    extract,
    match_products,
)
from assistant.understanding.intents import (
    NOT_SURE,
    DataFileError,
    Example,
    IntentClassifier,
    Prediction,
    classifier_reset,
    classifier_train,
    classify,
    file_embeddings,
)
from chatbot.models import Intent, IntentExample
from orders.models import ProductVariant

# --- entities --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "where is my order SD-100123?",
        "order sd100123",
        "SD 100123 please",
        "sd - 100123",
        "SD#100123",
        "#SD-100123",
        "SD-100-123",
        "SD 100 123",
        "ＳＤ－１００１２３",
        "ｓｄ１００１２３",
        "my order is １００１２３",
        "order #100123",
        "#100123",
        "# 100123 hasn't arrived",
        "I ordered it, number 100123",
        "the order number is 100 123",
        "order 100-123",
        "SD–100123",  # an en dash
    ],
)
def test_it_reads_order_numbers_in_many_forms(text: str) -> None:
    assert extract(text).order_numbers == ("SD-100123",)


@pytest.mark.parametrize(
    "text",
    [
        "my number is 100123",  # six digits, but no mention of an order
        "SD-10012",  # five digits
        "SD-1001234",  # seven
        "call me on 555-100-1234 about my order",
        "order 1001234",
        "it cost $100123",
    ],
)
def test_it_does_not_take_other_numbers_for_order_numbers(text: str) -> None:
    assert extract(text).order_numbers == ()


def test_it_reads_several_order_numbers_once_each(settings) -> None:
    entities = extract("orders SD-100123, sd 100124 and #100123 again")

    assert entities.order_numbers == ("SD-100123", "SD-100124")


def test_it_uses_the_shops_prefix(settings) -> None:
    settings.ORDER_NUMBER_PREFIX = "HL-"

    assert extract("order hl 100123").order_numbers == ("HL-100123",)
    assert extract("order #100123").order_numbers == ("HL-100123",)
    assert extract("order SD-100123").order_numbers == ()  # another shop's


def test_it_reads_emails_lower_cased() -> None:
    entities = extract("It's Jane.Doe+shop@Example.CO.uk, or jd@work.example.com.")

    assert entities.emails == ("jane.doe+shop@example.co.uk", "jd@work.example.com")


@pytest.mark.parametrize(
    ("text", "zips"),
    [
        ("ship it to 94107", ("94107",)),
        ("zip: 94107-1234", ("94107-1234",)),
        ("order SD-100123 to 10001", ("10001",)),
        ("order 100123 to 10001", ("10001",)),
        ("SD-10012", ()),  # a mistyped order number, not a zip
        ("#94107", ()),
        ("it was $12345", ()),
        ("call 555-12345-678", ()),
        ("jane94107@example.com", ()),
        ("my order is 100123", ()),
    ],
)
def test_it_reads_zip_codes_but_not_inside_other_numbers(text: str, zips: tuple[str]) -> None:
    assert extract(text).zip_codes == zips


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("my name is jane doe", "Jane Doe"),
        ("Hi, my name is Jane Doe and my order is late", "Jane Doe"),
        ("this is Jane Doe", "Jane Doe"),
        ("This is Jane van Doe, order SD-100123", "Jane van Doe"),
        ("name: jane doe", "Jane Doe"),
        ("Name: Mary-Jane O'Brien", "Mary-Jane O'Brien"),
        ("my full name is jane doe", "Jane Doe"),
        ("my name is jane van der berg", "Jane van der Berg"),
        ("I'm Jane Doe", "Jane Doe"),
        ("this is ridiculous", None),
        ("call me back please", None),
        ("this is jane doe", None),  # said in passing, lower case: too often not a name
        ("I am waiting for my order", None),
        ("where is my order", None),
    ],
)
def test_it_reads_a_name_when_introduced(text: str, name: str | None) -> None:
    assert extract(text).name == name


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("I'd like 2x the navy tee", 2),
        ("tee x3 please", 3),
        ("can I get two of the red ones", 2),
        ("3 of them arrived broken", 3),
        ("I want two", 2),
        ("buy 4 mugs", 4),
        ("two navy shirts", 2),
        ("qty: 5", 5),
        ("a dozen mugs", 12),
        ("2 XL shirts", 2),
        ("it's been 3 days", None),
        ("order 2 was late", None),
        ("it cost 20 dollars", None),
        ("size 9 shoes", None),
        ("order SD-100123", None),
        ("where is my order", None),
    ],
)
def test_it_reads_quantities(text: str, quantity: int | None) -> None:
    assert extract(text).quantity == quantity


@pytest.mark.parametrize(
    ("text", "sizes"),
    [
        ("do you have it in XL?", ("XL",)),
        ("size m please", ("M",)),
        ("I need an M", ("M",)),
        ("xs or xxl", ("XS", "XXL")),
        ("2XL", ("XXL",)),
        ("in extra large", ("XL",)),
        ("in a medium", ("M",)),
        ("size 9", ("9",)),
        ("size 9.5 boots", ("9.5",)),
        ("I wear a 10.5", ("10.5",)),
        ("32 waist", ("32",)),
        ("waist 34", ("34",)),
        ("jeans 32x30", ("32",)),
        ("I'm waiting", ()),  # the M of I'm
        ("I'M WAITING, SHIP IT TO THE U.S.", ()),
        ("a small problem", ()),
        ("it cost $9.50", ()),
        ("delivered 12/25", ()),
    ],
)
def test_it_reads_sizes_as_the_catalog_writes_them(text: str, sizes: tuple[str]) -> None:
    assert extract(text).sizes == sizes


def test_it_reads_colours_multiword_first() -> None:
    entities = extract("the Navy Blue one, or light gray, not the off-white or red")

    assert entities.colours == ("navy blue", "light grey", "off white", "red")


def test_it_finds_nothing_in_small_talk() -> None:
    assert extract("hello there!") == Entities()


CATALOG = [
    CatalogProduct(
        1,
        "Harbor Tee",
        (
            CatalogVariant(11, ("Navy", "M")),
            CatalogVariant(12, ("Navy", "L")),
            CatalogVariant(13, ("Red", "M")),
        ),
    ),
    CatalogProduct(2, "Camp Mug"),
    CatalogProduct(3, "Men's Leather Chelsea Boot", (CatalogVariant(31, ("Black", "9.5")),)),
    CatalogProduct(4, "Women's Leather Chelsea Boot", (CatalogVariant(41, ("Black", "7")),)),
    CatalogProduct(5, "Leather Bifold Wallet"),
    CatalogProduct(6, "Pocket Portable SSD", (CatalogVariant(61, ("1 TB",)),)),
]


def test_it_matches_a_product_and_variant_despite_a_typo_and_plural() -> None:
    entities = extract("I want 2 navy harbour tees in a medium", catalog=CATALOG)

    assert entities.products == (ProductMatch(1, "Harbor Tee", 0.977, (11,)),)
    assert (entities.quantity, entities.colours, entities.sizes) == (2, ("navy",), ("M",))


def test_it_matches_a_product_by_what_it_is() -> None:
    assert match_products("my walet broke", CATALOG) == [
        ProductMatch(5, "Leather Bifold Wallet", 0.576)
    ]


def test_it_ranks_the_closer_product_first() -> None:
    matches = match_products("womens chelsea boots", CATALOG, sizes=())

    assert [(m.product_id, m.score) for m in matches] == [(4, 0.887), (3, 0.686)]


def test_it_matches_variants_by_size_and_option_words() -> None:
    assert extract("chelsea boot size 9.5", catalog=CATALOG).products[:1] == (
        ProductMatch(3, "Men's Leather Chelsea Boot", 0.686, (31,)),
    )
    assert extract("the portable ssd, 1 tb", catalog=CATALOG).products == (
        ProductMatch(6, "Pocket Portable SSD", 0.8, (61,)),
    )


def test_it_does_not_match_a_product_on_a_common_word() -> None:
    assert extract("do you have leather stuff?", catalog=CATALOG).products == ()
    assert extract("where is my order", catalog=CATALOG).products == ()


def test_it_reads_the_catalog_from_the_database(tee: dict[str, ProductVariant]) -> None:
    ProductVariant.objects.filter(pk=tee["red-m"].pk).update(is_active=False)
    product = tee["navy-m"].product

    catalog = catalog_for_matching()

    assert catalog == [
        CatalogProduct(
            product.pk,
            "Harbor Tee",
            (
                CatalogVariant(tee["navy-m"].pk, ("Navy", "M")),
                CatalogVariant(tee["navy-l"].pk, ("Navy", "L")),
            ),
        )
    ]
    assert extract("a navy harbor tee size L", catalog=catalog).products == (
        ProductMatch(product.pk, "Harbor Tee", 1.0, (tee["navy-l"].pk,)),
    )


# --- the intent classifier -------------------------------------------------------------------

# Five training phrasings per intent, and one clear message per intent that is not among them.
FIXTURE: dict[str, tuple[list[str], str]] = {
    "order_status": (
        [
            "where is my order",
            "what's the status of my order",
            "has my order been processed",
            "any update on my order SD-100123",
            "is my purchase ready yet",
        ],
        "what is happening with my order",
    ),
    "track_shipment": (
        [
            "track my package",
            "can I get the tracking number",
            "where is my parcel right now",
            "which carrier is delivering my package",
            "tracking link for my shipment",
        ],
        "give me the tracking number for my package",
    ),
    "cancel_order": (
        [
            "cancel my order",
            "I want to cancel order SD-100123",
            "please cancel it, I don't want it anymore",
            "stop my order before it ships",
            "how do I cancel my purchase",
        ],
        "please cancel my order",
    ),
    "change_order": (
        [
            "change the size on my order",
            "can I update the shipping address on my order",
            "swap the colour of the shirt I ordered",
            "add another item to my order",
            "modify my order please",
        ],
        "I need to change my order",
    ),
    "return_refund": (
        [
            "I want to return this",
            "how do I get a refund",
            "send back the shoes for a refund",
            "what's your return policy",
            "where is my refund",
        ],
        "I would like to return my jacket and get a refund",
    ),
    "payment_issue": (
        [
            "my card was declined",
            "I was charged twice",
            "payment failed at checkout",
            "why was my card charged",
            "the payment did not go through",
        ],
        "my credit card payment was declined",
    ),
    "shipping_info": (
        [
            "how long does shipping take",
            "do you ship to Canada",
            "how much is delivery",
            "is there free shipping",
            "what shipping options do you have",
        ],
        "how much does shipping cost",
    ),
    "product_question": (
        [
            "is this jacket waterproof",
            "what material is the tee made of",
            "does the mug fit in a dishwasher",
            "is the blue one in stock",
            "how big is the backpack",
        ],
        "is this shirt made of cotton",
    ),
    "product_recommendation": (
        [
            "can you recommend a gift",
            "what should I buy for my dad",
            "suggest some running shoes",
            "which headphones do you recommend",
            "what's a good present for a friend",
        ],
        "can you recommend a good gift for my sister",
    ),
    "place_order": (
        [
            "I want to buy this",
            "add two mugs to my cart",
            "I'd like to order the navy tee",
            "how do I place an order",
            "buy the boots in size 9",
        ],
        "I want to buy the red shirt",
    ),
    "account": (
        [
            "I forgot my password",
            "how do I change my email address",
            "delete my account",
            "I can't log in",
            "update my account details",
        ],
        "I can't log in to my account",
    ),
    "complaint": (
        [
            "this is terrible service",
            "I'm very unhappy with my purchase",
            "the quality is awful",
            "worst shop ever",
            "I want to complain about the delivery driver",
        ],
        "I am very unhappy, this is terrible service",
    ),
    "human_agent": (
        [
            "let me talk to a human",
            "I want a real person",
            "connect me to an agent",
            "can I speak to someone",
            "transfer me to customer support staff",
        ],
        "I want to talk to a real person",
    ),
    "greeting": (
        ["hi", "hello", "hey there", "good morning", "hi, anyone there?"],
        "hello there",
    ),
    "thanks": (
        ["thanks", "thank you", "thanks a lot", "much appreciated", "thank you so much"],
        "thank you very much",
    ),
    "goodbye": (
        ["bye", "goodbye", "see you", "that's all, bye", "have a nice day, bye"],
        "ok bye bye",
    ),
    "out_of_scope": (
        [
            "what's the weather tomorrow",
            "tell me a joke",
            "who won the football game",
            "what is the capital of France",
            "write me a poem",
        ],
        "what will the weather be like this weekend",
    ),
}


def _write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


@pytest.fixture
def data_file(tmp_path: Path, settings) -> Iterator[Path]:
    """The fixture data as the project's data file, embeddings cached under a temporary
    DATA_DIR, and the process's classifier reset before and after."""
    settings.DATA_DIR = tmp_path
    rows = [
        {"text": text, "label": label, "split": split}
        for label, (train, clear) in FIXTURE.items()
        for text, split in [*((t, "train") for t in train), (clear, "test")]
    ]
    path = _write_jsonl(tmp_path / "intents.jsonl", rows)
    saved = intents.DATA_FILE, intents.ZH_DATA_FILE
    intents.DATA_FILE, intents.ZH_DATA_FILE = path, None
    classifier_reset()
    yield path
    intents.DATA_FILE, intents.ZH_DATA_FILE = saved
    classifier_reset()


@pytest.fixture
def fixture_classifier(data_file: Path) -> IntentClassifier:
    return classifier_train(path=data_file, include_database=False)


def test_it_encodes_unit_vectors() -> None:
    vectors = encoder.encode(["where is my order", "hello"])

    assert vectors.shape == (2, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, 384)
    assert encoder.get_model() is encoder.get_model()


def test_it_classifies_a_clear_message_of_every_intent(
    fixture_classifier: IntentClassifier,
) -> None:
    messages = [clear for _, clear in FIXTURE.values()]

    predictions = fixture_classifier.predict_many(messages)

    assert {m: p.label for m, p in zip(messages, predictions, strict=True)} == {
        clear: label for label, (_, clear) in FIXTURE.items()
    }


def test_it_gives_a_confidence_and_the_top_three(fixture_classifier: IntentClassifier) -> None:
    prediction = fixture_classifier.predict("please cancel my order SD-100124")

    assert prediction.label == prediction.guess == "cancel_order"
    assert 0.0 <= prediction.confidence <= 1.0
    assert prediction.confidence >= intents.CONFIDENCE_THRESHOLD
    assert len(prediction.scores) == 3
    assert prediction.scores[0] == ("cancel_order", prediction.confidence)
    assert prediction.scores[0][1] >= prediction.scores[1][1] >= prediction.scores[2][1]


GIBBERISH = ["asdkj qwpoeiru zxmcnv", "lorem ipsum dolor sit amet", "blorf snargle wib"]


@pytest.mark.parametrize("text", GIBBERISH)
def test_it_declines_gibberish(fixture_classifier: IntentClassifier, text: str) -> None:
    prediction = fixture_classifier.predict(text)

    assert prediction.label in {NOT_SURE, Intent.OUT_OF_SCOPE}
    assert 0.0 <= prediction.confidence <= 1.0


def test_it_is_not_sure_under_the_threshold(fixture_classifier: IntentClassifier) -> None:
    fixture_classifier.threshold = 1.0

    prediction = fixture_classifier.predict("please cancel my order")

    assert prediction.label == NOT_SURE
    assert prediction.guess == "cancel_order"
    assert prediction.confidence < 1.0


def test_it_caches_the_files_embeddings_by_content(
    data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    examples, vectors = file_embeddings(data_file)  # encodes and caches
    [cached] = list((data_file.parent / "nlu").glob("*.npy"))

    def no_encoding(texts: object) -> None:
        raise AssertionError("encoded again")

    monkeypatch.setattr(encoder, "encode", no_encoding)
    again, cached_vectors = file_embeddings(data_file)

    assert again == examples
    assert np.array_equal(cached_vectors, vectors)
    monkeypatch.undo()

    with data_file.open("a") as f:
        f.write(json.dumps({"text": "hiya", "label": "greeting", "split": "train"}) + "\n")
    changed, changed_vectors = file_embeddings(data_file)

    assert len(changed) == len(examples) + 1
    assert changed_vectors.shape == (len(examples) + 1, 384)
    assert [p.name for p in (data_file.parent / "nlu").glob("*.npy")] != [cached.name]
    assert len(list((data_file.parent / "nlu").glob("*.npy"))) == 1  # the stale one is gone


def test_it_names_the_bad_line_of_a_data_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"text": "hi", "label": "greeting", "split": "train"}\n\n{"text": "hi", "label": "x"'
    )

    with pytest.raises(DataFileError, match=r"bad\.jsonl, line 3: not JSON"):
        intents.examples_load(path)
    path.write_text('{"text": "hi", "label": "hello", "split": "train"}\n')
    with pytest.raises(DataFileError, match=r"line 1: unknown label 'hello'"):
        intents.examples_load(path)
    path.write_text('{"text": "hi", "label": "greeting"}\n')
    with pytest.raises(DataFileError, match=r"line 1: 'split' must be one of train, test"):
        intents.examples_load(path)
    assert intents.examples_load(path, require_split=False) == [Example("hi", "greeting", "test")]


# --- database examples -----------------------------------------------------------------------

TAUGHT = "my parcel smells of fish"


@pytest.mark.django_db
def test_it_learns_database_examples_after_a_reset(data_file: Path) -> None:
    before = classify(TAUGHT)
    assert before.label != "complaint"
    IntentExample.objects.create(text=TAUGHT, label="complaint")
    IntentExample.objects.create(text="hello hello hello", label="complaint", active=False)

    cached = classify(TAUGHT)
    classifier_reset()
    after = classify(TAUGHT)

    assert cached == before  # the process's classifier is kept until reset
    assert after.label == "complaint"
    assert classify("hello hello hello").label == "greeting"  # inactive: ignored


@pytest.mark.django_db
def test_it_lets_a_database_example_relabel_a_file_line(data_file: Path) -> None:
    IntentExample.objects.create(text="is there free shipping", label="complaint")

    classifier = classifier_train(path=data_file)

    assert classifier.predict("is there free shipping").label == "complaint"


def test_it_adds_examples_in_the_admin_and_resets_the_classifier(
    staff: User, data_file: Path, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    client.force_login(staff)
    intents._classifier = classifier_train(path=data_file, include_database=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:chatbot_intentexample_add"),
            {"text": TAUGHT, "label": "complaint", "active": "on"},
        )

    assert response.status_code == 302
    example = IntentExample.objects.get()
    assert (example.text, example.label, example.active, example.created_by) == (
        TAUGHT,
        "complaint",
        True,
        staff,
    )
    assert intents._classifier is None
    assert classify(TAUGHT).label == "complaint"


def test_it_retrains_from_the_admin_action(staff: User, django_capture_on_commit_callbacks) -> None:
    example = IntentExample.objects.create(text=TAUGHT, label="complaint")
    client = Client()
    client.force_login(staff)
    intents._classifier = object()  # type: ignore[assignment]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:chatbot_intentexample_changelist"),
            {"action": "retrain_now", "_selected_action": [example.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert intents._classifier is None
    assert "will retrain" in response.content.decode()


def test_it_lists_and_searches_examples_in_the_admin(staff: User) -> None:
    IntentExample.objects.create(text=TAUGHT, label="complaint", created_by=staff)
    IntentExample.objects.create(text="hiya", label="greeting")
    client = Client()
    client.force_login(staff)

    response = client.get(reverse("admin:chatbot_intentexample_changelist"), {"q": "fish"})

    assert response.status_code == 200
    assert TAUGHT in response.content.decode()
    assert "hiya" not in response.content.decode()


# --- eval_nlu --------------------------------------------------------------------------------


def test_it_evaluates_the_held_out_split(data_file: Path, capsys) -> None:
    call_command("eval_nlu", "--data", str(data_file))

    out = capsys.readouterr().out
    assert "Accuracy: 100.0% (17/17)" in out
    assert "Out of scope, declined (out_of_scope or not_sure): precision 100.0%, recall 100.0%" in (
        out
    )
    assert "cancel_order                1      1  100.0%       0" in out
    assert "Confusion (rows: true label, columns: predicted)" in out


def test_it_scores_a_file_and_writes_predictions(data_file: Path, tmp_path: Path, capsys) -> None:
    scored = _write_jsonl(
        tmp_path / "score.jsonl",
        [
            {"text": "please cancel my order", "label": "cancel_order"},
            {"text": "hello there", "label": "greeting"},
            {"text": "what's the weather like", "label": "cancel_order"},  # wrong on purpose
        ],
    )
    out_file = tmp_path / "predictions.jsonl"

    call_command(
        "eval_nlu", "--data", str(data_file), "--file", str(scored), "--predictions", str(out_file)
    )

    lines = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert [(x["text"], x["label"], x["predicted"]) for x in lines] == [
        ("please cancel my order", "cancel_order", "cancel_order"),
        ("hello there", "greeting", "greeting"),
        ("what's the weather like", "cancel_order", "out_of_scope"),
    ]
    assert all(0.0 <= x["confidence"] <= 1.0 for x in lines)
    out = capsys.readouterr().out
    assert "Accuracy: 66.7% (2/3)" in out
    assert "Wrote 3 predictions to" in out


def test_it_explains_a_missing_or_bad_file(data_file: Path, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"No such file: .*nope\.jsonl"):
        call_command("eval_nlu", "--data", str(data_file), "--file", str(tmp_path / "nope.jsonl"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "hi", "label": "greeting"}\n{"text": ""}\n')
    with pytest.raises(CommandError, match=r"bad\.jsonl, line 2: 'text' must be a non-empty"):
        call_command("eval_nlu", "--data", str(data_file), "--file", str(bad))


# --- the project's own data ------------------------------------------------------------------

# Measured: 87.7% on the held-out split with the file as of this writing (not sure counts as
# wrong). A little under, so a regression fails and a reshuffled data file still passes.
HELD_OUT_ACCURACY_FLOOR = 0.85


@pytest.mark.skipif(not intents.DATA_FILE.exists(), reason="no data file yet")
def test_it_reaches_the_accuracy_floor_on_the_projects_held_out_split() -> None:
    examples, vectors = file_embeddings(intents.DATA_FILE)
    test = [i for i, e in enumerate(examples) if e.split == "test"]
    classifier = classifier_train(path=intents.DATA_FILE, include_database=False)

    predictions: list[Prediction] = classifier.predict_encoded(
        [examples[i].text for i in test], vectors[test]
    )

    right = sum(p.label == examples[i].label for i, p in zip(test, predictions, strict=True))
    assert right / len(test) >= HELD_OUT_ACCURACY_FLOOR
    assert {p.label for p in classifier.predict_many(GIBBERISH)} <= {NOT_SURE, "out_of_scope"}


@pytest.mark.skipif(not intents.DATA_FILE.exists(), reason="no data file yet")
@pytest.mark.django_db
def test_which_order_number_it_is_never_changes_what_is_asked() -> None:
    # Measured before the fix: "where is SD-106561" read as a return (0.43) and "where is
    # SD-100003" as order status, because the encoder gave the digits a meaning of their own.
    numbers = ["SD-100003", "SD-106561", "SD-187294", "SD-253140"]
    for question in ["where is {}", "cancel {} please", "{} 什么时候到？", "I want to return {}"]:
        predictions = [classify(question.format(n)) for n in numbers]
        assert len({(p.label, p.confidence) for p in predictions}) == 1, predictions
    assert intents.reading("size 10, 2 shirts, $120") == "size 10, 2 shirts, $120"
    assert intents.reading("SD-106561 and 1Z99912") == "SD-100000 and 1Z10000"
