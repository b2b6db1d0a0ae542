"""Finnish first, Swedish and English complete: every text is translated, and the language
follows the visitor's choice (or a Swedish browser), including validation messages."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from markupsafe import escape

import facilitate

TRANSLATIONS = Path(facilitate.__file__).parent / "translations"
LANGUAGES = ("sv", "en")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
HEADING = "Vertaisreflektiot ja työpajat"  # the home page's <h1>
REQUIRED = "Kenttä on pakollinen."


@cache
def _catalog(lang: str | None) -> Catalog:
    path = TRANSLATIONS / ("messages.pot" if lang is None
                           else f"{lang}/LC_MESSAGES/messages.po")
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def _translation(lang: str, msgid: str) -> str:
    message = _catalog(lang).get(msgid)
    assert message is not None and message.string, f"{msgid!r} untranslated in {lang}"
    return str(message.string)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _template_messages() -> list[tuple[str, ...]]:
    return [(m.id,) if isinstance(m.id, str) else tuple(m.id) for m in _catalog(None) if m.id]


def test_the_template_has_messages() -> None:
    assert len(_template_messages()) > 100


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_with_the_same_placeholders(lang: str) -> None:
    catalog = _catalog(lang)
    assert not catalog.fuzzy, f"{lang} catalogue header is marked fuzzy"
    problems = []
    for ids in _template_messages():
        message = catalog.get(ids[0])
        if message is None:
            problems.append(f"missing: {ids[0]!r}")
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if len(ids) > 1 and len(strings) != catalog.num_plurals:
            problems.append(f"wrong number of plural forms: {ids[0]!r}")
        expected = set().union(*(_placeholders(i) for i in ids))
        for string in strings:
            if not string or not string.strip():
                problems.append(f"untranslated: {ids[0]!r}")
            elif _placeholders(string) != expected:
                problems.append(f"placeholders differ: {ids[0]!r} -> {string!r}")
    assert not problems, "\n".join(problems)


def _html_lang(page: str) -> str | None:
    found = re.search(r'<html lang="([^"]*)"', page)
    return found.group(1) if found else None


def test_finnish_by_default(client) -> None:
    page = client.get("/").get_data(as_text=True)
    assert _html_lang(page) == "fi"
    assert HEADING in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_chosen_language_shows_and_sticks(client, lang: str) -> None:
    heading = str(escape(_translation(lang, HEADING)))
    assert heading != HEADING

    chosen = client.get(f"/?lang={lang}")
    assert chosen.status_code == 200
    page = chosen.get_data(as_text=True)
    assert _html_lang(page) == lang
    assert heading in page
    assert HEADING not in page

    later = client.get("/").get_data(as_text=True)  # no parameter: the choice is remembered
    assert _html_lang(later) == lang
    assert heading in later

    back = client.get("/?lang=fi").get_data(as_text=True)
    assert _html_lang(back) == "fi"
    assert HEADING in back
    assert _html_lang(client.get("/").get_data(as_text=True)) == "fi"


def test_an_unknown_language_is_ignored(client) -> None:
    page = client.get("/?lang=de").get_data(as_text=True)
    assert _html_lang(page) == "fi"
    assert HEADING in page


def test_validation_errors_speak_the_chosen_language(client, make_workshop) -> None:
    workshop = make_workshop()
    url = f"/invite/{workshop.invitation_token}"
    form = client.get(f"{url}?lang=sv")
    assert form.status_code == 200
    assert _html_lang(form.get_data(as_text=True)) == "sv"

    response = client.post(url, {"name": "", "email": "maija@example.fi",
                                 "organisation": "varsinaissuomi", "other_organisation": "",
                                 "wish": ["Työnkuvat"]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert _html_lang(page) == "sv"
    assert str(escape(_translation("sv", REQUIRED))) in page
    assert REQUIRED not in page


@pytest.mark.parametrize(("accept", "lang"), [
    ("en-US,en;q=0.9", "fi"),  # English browsers still get Finnish unless English is chosen
    ("sv-FI,sv;q=0.9,en;q=0.8", "sv"),
    ("sv-FI", "sv"),
    ("fi-FI,fi;q=0.9,sv;q=0.8", "fi"),
])
def test_the_browser_language_picks_finnish_or_swedish(client, accept: str, lang: str) -> None:
    page = client.get("/", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert _html_lang(page) == lang
    expected = HEADING if lang == "fi" else str(escape(_translation(lang, HEADING)))
    assert expected in page


def test_a_choice_beats_the_browser_language(client) -> None:
    client.get("/?lang=en", headers={"Accept-Language": "sv-FI"})
    page = client.get("/", headers={"Accept-Language": "sv-FI"}).get_data(as_text=True)
    assert _html_lang(page) == "en"
    assert str(escape(_translation("en", HEADING))) in page
