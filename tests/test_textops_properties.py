"""Properties of the note text operations (facilitate/room/textops.py), checked by Hypothesis
on generated texts and edits: what the server and every client rely on to converge."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitate.room import textops

#: Finnish and Swedish letters, a combining accent, emoji of several code points, newlines.
LETTERS = st.sampled_from(list("aeiknstuäöåÄÖ .,\n") + ["😀", "👍🏽", "🇫🇮", "\u0301", "€"])
TEXTS = st.lists(LETTERS, max_size=40).map("".join)
INSERTS = st.lists(LETTERS, min_size=1, max_size=6).map("".join)


@st.composite
def edits(draw: st.DrawFn, text: str) -> textops.Ops:
    """Any valid edit of `text`: runs of keeps and deletes covering it, inserts between."""
    ops: textops.Ops = []
    left = len(text)
    while left:
        if draw(st.booleans()):
            ops.append(draw(INSERTS))
        n = draw(st.integers(1, left))
        ops.append(n if draw(st.booleans()) else -n)
        left -= n
    if draw(st.booleans()) or not ops:
        ops.append(draw(INSERTS))
    return textops.normalise(ops)


@st.composite
def text_and_two_edits(draw: st.DrawFn) -> tuple[str, textops.Ops, textops.Ops]:
    text = draw(TEXTS)
    return text, draw(edits(text)), draw(edits(text))


@st.composite
def text_and_two_edits_in_turn(draw: st.DrawFn) -> tuple[str, textops.Ops, textops.Ops]:
    text = draw(TEXTS)
    first = draw(edits(text))
    return text, first, draw(edits(textops.apply(text, first)))


@settings(max_examples=400)
@given(text_and_two_edits())
def test_concurrent_edits_converge(case: tuple[str, textops.Ops, textops.Ops]) -> None:
    text, a, b = case
    a2, b2 = textops.transform(a, b)
    assert textops.apply(textops.apply(text, a), b2) == textops.apply(textops.apply(text, b), a2)


@settings(max_examples=400)
@given(text_and_two_edits())
def test_transforming_keeps_every_insert(case: tuple[str, textops.Ops, textops.Ops]) -> None:
    # Nobody's typing is lost: whatever either side inserted is in the merged text.
    text, a, b = case
    _, b2 = textops.transform(a, b)
    merged = textops.apply(textops.apply(text, a), b2)
    inserted = "".join(c for c in [*a, *b] if isinstance(c, str))
    assert len(merged) >= len(inserted)
    for component in (c for c in [*a, *b] if isinstance(c, str)):
        assert component in merged


@settings(max_examples=400)
@given(text_and_two_edits_in_turn())
def test_compose_equals_applying_in_turn(case: tuple[str, textops.Ops, textops.Ops]) -> None:
    text, a, b = case
    composed = textops.compose(a, b)
    assert textops.apply(text, composed) == textops.apply(textops.apply(text, a), b)
    assert textops.base_length(composed) == len(text)


@settings(max_examples=300)
@given(text_and_two_edits(), st.data())
def test_a_client_and_the_server_agree_on_an_edit_that_crossed_two_others(
        case: tuple[str, textops.Ops, textops.Ops], data: st.DataObject) -> None:
    # The server applied a then b while the client's c was in flight (based on `text`): it
    # transforms c past a, then past b. The client transforms a and b past its own c, in the
    # same order. Both must end with the same text. (Past the composition of a and b, c could
    # land elsewhere on ties, so neither side ever transforms against a composed history.)
    text, a, c = case
    b = data.draw(edits(textops.apply(text, a)))
    _, c_past_a = textops.transform(a, c)
    _, c_past_ab = textops.transform(b, c_past_a)
    on_server = textops.apply(textops.apply(textops.apply(text, a), b), c_past_ab)
    a_past_c, _ = textops.transform(a, c)
    b_past_c, _ = textops.transform(b, c_past_a)
    on_client = textops.apply(textops.apply(textops.apply(text, c), a_past_c), b_past_c)
    assert on_client == on_server


@given(TEXTS, TEXTS)
def test_diff_then_apply_gives_the_new_text(old: str, new: str) -> None:
    assert textops.apply(old, textops.diff(old, new)) == new
