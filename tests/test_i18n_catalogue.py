"""The Simplified Chinese catalogues: every entry translated, every placeholder kept, compiled."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"
CATALOGUES = ["django.po", "djangojs.po"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def _entries(path: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) of a .po file's entries; plural forms give their first form."""
    entries, key, values = [], None, {"msgid": "", "msgstr": ""}
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if line.startswith("#"):
            continue
        m = re.match(
            r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[0\])?|msgstr\[\d+\])\s+"(.*)"$', line
        )
        if m:
            key = m.group(1)
            if key == "msgid" and values["msgid"]:
                entries.append((values["msgid"], values["msgstr"]))
                values = {"msgid": "", "msgstr": ""}
            if key in ("msgid", "msgstr", "msgstr[0]"):
                values["msgstr" if key.startswith("msgstr") else "msgid"] = m.group(2)
            continue
        if line.startswith('"') and key in ("msgid", "msgstr", "msgstr[0]"):
            values["msgstr" if key.startswith("msgstr") else "msgid"] += line[1:-1]
    if values["msgid"]:
        entries.append((values["msgid"], values["msgstr"]))
    return entries


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_entry_is_translated_and_keeps_its_placeholders(name: str) -> None:
    entries = _entries(LOCALE / name)
    assert len(entries) > 50
    for msgid, msgstr in entries:
        assert msgstr, f"{name}: untranslated {msgid!r}"
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), (
            f"{name}: {msgid!r} -> {msgstr!r}"
        )


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) not installed")
@pytest.mark.parametrize("name", CATALOGUES)
def test_msgfmt_accepts_the_catalogue(name: str) -> None:
    run = subprocess.run(
        ["msgfmt", "--check-format", "-o", "/dev/null", str(LOCALE / name)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def test_the_compiled_catalogue_is_used() -> None:
    with translation.override("zh-hans"):
        chinese = gettext("What can I help you with?")
    with translation.override("en"):
        english = gettext("What can I help you with?")
    assert english == "What can I help you with?"
    assert re.search(r"[\u4e00-\u9fff]", chinese), "locale/ is not compiled: run make messages"
