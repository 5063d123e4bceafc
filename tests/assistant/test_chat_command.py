"""`manage.py chat`: one message a call, the conversation carried on by its id, and a confirmed
change kept in the database."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from orders.models import Order

pytestmark = pytest.mark.usefixtures("second_shop")


def _chat(*args: str) -> str:
    out = io.StringIO()
    call_command("chat", *args, stdout=out)
    return out.getvalue()


def test_a_conversation_goes_on_by_its_id_and_a_yes_is_kept() -> None:
    first = _chat(
        "--customer", "kenji.ito@example.net", "--say", "cancel #W2001016, ordered by mistake"
    )
    assert "[buttons]" in first
    conversation = re.search(r"conversation (\S+)", first)
    assert conversation is not None
    done = _chat("--conversation", conversation.group(1), "--yes")
    assert "cancelled" in done
    assert Order.objects.get(number="#W2001016").status == "cancelled"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--say", "hi", "--yes"], "exactly one of"),
        (["--customer", "nobody@example.net", "--say", "hi"], "no customer"),
        (["--conversation", "not-an-id", "--say", "hi"], "no conversation"),
        (["--customer", "kenji.ito@example.net", "--yes"], "no confirmation is waiting"),
    ],
)
def test_bad_arguments_get_a_clear_error(args: list[str], message: str, settings: Any) -> None:
    with pytest.raises(CommandError, match=message):
        _chat(*args)


def test_the_notices_the_widget_shows_after_a_reply_are_printed() -> None:
    out = _chat(
        "--customer", "kenji.ito@example.net", "--say", "can I talk to a real person please"
    )

    # The desk posts the handoff notice after the assistant's reply: a trial by terminal sees
    # what the customer sees (whether anyone is online, and what happens next).
    assert "[notice]" in out and "member of our team" in out, out
