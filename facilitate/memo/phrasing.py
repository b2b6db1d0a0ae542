"""The memo's languages: one phrasing module each (finnish.py, swedish.py) with the same
functions, chosen by a memo version's language, and the gaps either leaves for the coordinator.
"""

from __future__ import annotations

import re
from types import ModuleType

from . import finnish, swedish

PHRASING: dict[str, ModuleType] = {"fi": finnish, "sv": swedish}

#: A gap the coordinator must fill before publishing, in either language. Lenient about case
#: and spaces, because a coordinator may type one by hand, and publishing must be refused for
#: those too.
GAP_RE = re.compile(r"\[\[\s*(?:{})\s*:\s*([^\[\]]*?)\s*\]\]".format(
    "|".join(module.GAP_WORD for module in PHRASING.values())), re.IGNORECASE)
#: A block of Finnish text still waiting for its translation (swedish.own_block).
TRANSLATE_RE = re.compile(rf"^(`{{3,}}){swedish.TRANSLATE_INFO}[ \t]*\n(.*?)\n\1[ \t]*$",
                          re.MULTILINE | re.DOTALL)
#: How much of an untranslated block a refusal quotes.
QUOTED_CHARS = 60


def of(language: str) -> ModuleType:
    """The phrasing module of a memo language."""
    return PHRASING[language]


def find_placeholders(text: str) -> list[str]:
    """What each gap or untranslated block left in a text asks for, in order of appearance."""
    found = [(match.start(), match[1]) for match in GAP_RE.finditer(text)]
    for match in TRANSLATE_RE.finditer(text):
        words = " ".join(match[2].split())
        if len(words) > QUOTED_CHARS:
            words = words[:QUOTED_CHARS].rstrip() + "…"
        found.append((match.start(), f"{swedish.TRANSLATE_INFO}: {swedish.quote(words)}"))
    return [what for _start, what in sorted(found)]
