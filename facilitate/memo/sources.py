"""Where each paragraph of a memo came from: the markers in its Markdown and what they stand for.

The compiler marks each paragraph it builds from the room with an HTML comment such as
`<!-- lähde: t12 -->` (Swedish `<!-- källa: t12 -->`) on the paragraph's first line, whose
anchor names the paragraph by what it was built from: `t12` theme 12's sentence and notes
(after the sentence), `q34` the result of question 34 (after its sentence), `c12` theme 12's
comments (after the line introducing them). The version's `sources` column maps each anchor
to the ids used (`{"t12": {"notes": [5], "wishes": [3, 4]}}`). The marker lives in the text,
so it travels with its paragraph when the coordinator edits, moves or saves it as a new
version; a paragraph written by hand has none, and a marker deleted with its paragraph is
simply gone. Every published format is made from the text with the markers taken out
(`strip_markers`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

#: The word before the anchor, by memo language; any of them is read in any memo.
MARKER_WORDS = {"fi": "lähde", "sv": "källa"}
#: What a paragraph's sources may list, in the order the editor names them: the wishes of its
#: theme, the theme's notes, the comments counted (all of the theme's that are not hidden) and
#: of them those quoted, the questions whose results it gives, and their answers.
KINDS = ("wishes", "notes", "contributions", "quoted", "prompts", "answers")

Sources = dict[str, dict[str, list[int]]]

_MARK = (r"<!--[ \t]*(?:{})[ \t]*:[ \t]*([a-z][0-9]+)[ \t]*-->"
         .format("|".join(MARKER_WORDS.values())))
MARKER_RE = re.compile(_MARK)
# A marker on a line of its own goes with its line; at the start of a line with the spaces
# after it; elsewhere with the spaces before it, so "A. <!-- … --> B" reads "A. B".
_STRIP_RE = re.compile(rf"^[ \t]*{_MARK}[ \t]*(?:\n|\Z)|^{_MARK}[ \t]*|[ \t]*{_MARK}",
                       re.MULTILINE)


def marker(anchor: str, language: str) -> str:
    """The marker that ends a compiled paragraph: `<!-- lähde: t12 -->`."""
    return f"<!-- {MARKER_WORDS.get(language, MARKER_WORDS['fi'])}: {anchor} -->"


def theme_anchor(theme_id: int) -> str:
    """The anchor of a theme's sentence and notes."""
    return f"t{theme_id}"


def result_anchor(prompt_id: int) -> str:
    """The anchor of a statement's or poll's result sentence (its chart follows it)."""
    return f"q{prompt_id}"


def comments_anchor(theme_id: int) -> str:
    """The anchor of a theme's most voted comments."""
    return f"c{theme_id}"


def anchors_in(markdown: str) -> list[str]:
    """The anchors of the markers in a text, in order, each once."""
    return list(dict.fromkeys(match[1] for match in MARKER_RE.finditer(markdown)))


def strip_markers(markdown: str) -> str:
    """The text without its markers: what every published format is made from."""
    return _STRIP_RE.sub("", markdown)


def carried_sources(markdown: str, earlier: Iterable[Mapping[str, Mapping[str, list[int]]]]
                    ) -> Sources:
    """The sources of a new version's text: for each of its markers, what the newest of the
    earlier versions (given oldest first) that had that anchor recorded. So a paragraph pasted
    back from an older version finds its sources again; a marker typed by hand whose anchor no
    version knows points at nothing and is left out."""
    known: dict[str, Mapping[str, list[int]]] = {}
    for sources in earlier:
        known.update(sources)
    return {anchor: {kind: list(ids) for kind, ids in known[anchor].items()}
            for anchor in anchors_in(markdown) if anchor in known}
