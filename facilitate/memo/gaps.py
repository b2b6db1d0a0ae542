"""A gap the coordinator must fill before publishing ("[[TÄYDENNÄ: …]]"), written the same way
in every memo language so that phrasing.find_placeholders finds each one again."""

from __future__ import annotations


def gap(word: str, what: str) -> str:
    """"[[<word>: what]]" on one line; brackets inside become parentheses, since they would
    end the gap early and leave it unfound."""
    what = " ".join(what.split()).replace("[", "(").replace("]", ")")
    return f"[[{word}: {what}]]"
