"""The memo's languages: one phrasing module each (finnish.py, swedish.py) with the same
functions, chosen by a memo version's language, and the gaps either leaves for the coordinator.
"""

from __future__ import annotations

import re
import unicodedata
from types import ModuleType

from . import finnish, swedish

PHRASING: dict[str, ModuleType] = {"fi": finnish, "sv": swedish}

#: A gap the coordinator must fill before publishing, in either language. Lenient about case
#: and spaces, because a coordinator may type one by hand, and publishing must be refused for
#: those too.
GAP_RE = re.compile(r"\[\[\s*(?:{})\s*:\s*([^\[\]]*?)\s*\]\]".format(
    "|".join(module.GAP_WORD for module in PHRASING.values())), re.IGNORECASE)
#: The opening fence of a block of Finnish text still waiting for its translation
#: (swedish.own_block), however it was typed: any fence CommonMark accepts, any case, closed
#: or not (an unclosed one swallows the rest of the memo, which is no better).
TRANSLATE_RE = re.compile(rf"^ {{0,3}}(`{{3,}}|~{{3,}})[ \t]*{swedish.TRANSLATE_INFO}\b.*$",
                          re.MULTILINE | re.IGNORECASE)
#: How much of an untranslated block a refusal quotes.
QUOTED_CHARS = 60


def of(language: str) -> ModuleType:
    """The phrasing module of a memo language."""
    return PHRASING[language]


def normalised(text: str) -> str:
    """One newline convention and one Unicode form, as browsers send neither reliably (a
    textarea posts CRLF; "ä" may come decomposed), so every pattern here sees the same text."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def find_placeholders(text: str) -> list[str]:
    """What each gap or untranslated block left in a text asks for, in order of appearance."""
    text = normalised(text)
    found = [(match.start(), match[1]) for match in GAP_RE.finditer(text)]
    for match in TRANSLATE_RE.finditer(text):
        following = text[match.end():].lstrip("\n").split(match[1][0] * 3, 1)[0]
        words = " ".join(following.split())
        if len(words) > QUOTED_CHARS:
            words = words[:QUOTED_CHARS].rstrip() + "…"
        found.append((match.start(), f"{swedish.TRANSLATE_INFO}: {swedish.quote(words)}"))
    return [what for _start, what in sorted(found)]
