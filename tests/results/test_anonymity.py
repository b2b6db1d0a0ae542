"""The anonymity rule (facilitate/results/anonymity.py): worked examples, and properties over
arbitrary answers showing that no published figure gives away a group under the threshold."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitate.results.anonymity import Breakdown, Row, publishable

MUUT = "muut"


def _statement(*answers: int) -> tuple[int, ...]:
    """Counts per scale value (1–5) of the given answers."""
    return tuple(answers.count(value) for value in range(1, 6))


def _labels(breakdown: Breakdown) -> list[tuple[str, int]]:
    return [(row.label, row.respondents) for row in breakdown.rows]


# --- worked examples ----------------------------------------------------------------------


def test_small_organisations_are_counted_together_as_muut():
    groups = {"Varha": _statement(5, 5, 4, 4, 4, 2, 1), "Pirha": _statement(3, 3, 3, 4, 5, 5),
              "Satakunta": _statement(1, 1), "Pohde": _statement(2),
              "Kanta-Häme": _statement(5, 4, 4)}
    breakdown = publishable(groups, 5, MUUT)
    assert _labels(breakdown) == [("Varha", 7), ("Pirha", 6), (MUUT, 6)]
    muut = breakdown.rows[-1]
    assert muut.merged and muut.members == ("Satakunta", "Pohde", "Kanta-Häme")
    assert muut.counts == _statement(1, 1, 2, 5, 4, 4)
    assert breakdown.total == _statement(5, 5, 4, 4, 4, 2, 1, 3, 3, 3, 4, 5, 5, 1, 1, 2, 5, 4, 4)
    assert not breakdown.suppressed and breakdown.threshold == 5


def test_a_small_muut_takes_in_the_smallest_organisation_shown():
    # Satakunta and Pohde are 3 together: on their own, Varha + Pirha subtracted from the
    # total would tell their answers. Pirha, the smaller of the two shown, joins them.
    groups = {"Varha": _statement(5, 5, 4, 4, 4, 2, 1), "Pirha": _statement(3, 3, 3, 4, 5, 5),
              "Satakunta": _statement(1, 1), "Pohde": _statement(2)}
    breakdown = publishable(groups, 5, MUUT)
    assert _labels(breakdown) == [("Varha", 7), (MUUT, 9)]
    assert breakdown.rows[-1].members == ("Satakunta", "Pohde", "Pirha")
    assert breakdown.rows[-1].counts == _statement(3, 3, 3, 4, 5, 5, 1, 1, 2)


def test_between_organisations_of_one_size_the_first_by_name_joins_muut():
    groups = {"Varha": _statement(*[4] * 6), "Pirha": _statement(*[2] * 6), "Pohde": _statement(3)}
    assert publishable(groups, 5, MUUT).rows[-1].members == ("Pohde", "Pirha")


def test_fewer_respondents_than_the_threshold_in_all_shows_nothing():
    breakdown = publishable({"Satakunta": _statement(1, 2), "Pohde": _statement(5, 5)}, 5, MUUT)
    assert breakdown == Breakdown(rows=(), total=None, threshold=5, suppressed=True)
    assert publishable({}, 5, MUUT).suppressed


def test_only_small_organisations_make_one_muut_row():
    groups = {"Satakunta": _statement(1, 2, 3), "Pohde": _statement(5, 5)}
    breakdown = publishable(groups, 5, MUUT)
    assert _labels(breakdown) == [(MUUT, 5)]
    assert breakdown.total == breakdown.rows[0].counts


def test_an_organisation_that_did_not_answer_is_left_out():
    groups = {"Varha": _statement(1, 2, 3, 4, 5), "Lapha": _statement()}
    breakdown = publishable(groups, 5, MUUT)
    assert breakdown.rows == (Row("Varha", _statement(1, 2, 3, 4, 5), ("Varha",)),)


def test_threshold_one_shows_every_organisation_that_answered():
    groups = {"Varha": (1, 0, 0), "Pohde": (0, 0, 1), "Lapha": (0, 0, 0)}
    assert _labels(publishable(groups, 1, MUUT)) == [("Varha", 1), ("Pohde", 1)]


def test_the_label_of_muut_is_the_callers():
    groups = {"Varha": (3, 3), "Pohde": (1, 0), "Satakunta": (0, 1)}
    assert _labels(publishable(groups, 5, "övriga")) == [("övriga", 8)]


def test_a_threshold_under_one_or_rows_of_unequal_width_are_refused():
    with pytest.raises(ValueError):
        publishable({"Varha": (5, 5)}, 0, MUUT)
    with pytest.raises(ValueError):
        publishable({"Varha": (5, 5), "Pohde": (1, 1, 1)}, 1, MUUT)


# --- properties ---------------------------------------------------------------------------

COUNTIES = ("Varha", "Satakunta", "Pirha", "Kanta-Häme", "Päijät-Häme", "Kymenlaakso",
            "Eksote", "Pohde", "Lapha", "Kainuu", "Siun sote", "Keusote")


@st.composite
def answers(draw: st.DrawFn) -> dict[str, tuple[int, ...]]:
    """Groups of one question: many tiny ones, some that did not answer, sometimes a big one;
    two to six answer values (a poll has two at least, a statement five)."""
    width = draw(st.integers(2, 6))
    sizes = draw(st.lists(st.one_of(st.just(0), st.integers(1, 4), st.integers(0, 12),
                                    st.integers(20, 60)), max_size=len(COUNTIES)))
    groups = {}
    for label, size in zip(COUNTIES, sizes, strict=False):
        cuts = sorted(draw(st.lists(st.integers(0, size), min_size=width - 1,
                                    max_size=width - 1)))
        groups[label] = tuple(b - a for a, b in zip([0, *cuts], [*cuts, size], strict=True))
    return groups


thresholds = st.integers(1, 10)


def _width(groups: Mapping[str, Sequence[int]]) -> int:
    return len(next(iter(groups.values()))) if groups else 0


@settings(max_examples=1000)
@given(answers(), thresholds)
def test_every_published_row_has_at_least_threshold_respondents(groups, threshold):
    breakdown = publishable(groups, threshold, MUUT)
    assert all(row.respondents >= threshold for row in breakdown.rows)
    for row in breakdown.rows:
        answered = [label for label in row.members if sum(groups[label])]
        assert answered == list(row.members), "a row names an organisation with no answers"
        if row.merged:
            assert len(row.members) >= 2
        else:
            assert row.members == (row.label,)


@settings(max_examples=1000)
@given(answers(), thresholds)
def test_nothing_is_invented_or_counted_twice(groups, threshold):
    breakdown = publishable(groups, threshold, MUUT)
    members = [label for row in breakdown.rows for label in row.members]
    assert len(members) == len(set(members)) and set(members) <= set(groups)
    for row in breakdown.rows:
        assert row.counts == tuple(map(sum, zip(*(groups[m] for m in row.members),
                                                strict=True)))
    true_total = tuple(map(sum, zip(*groups.values(), strict=True)))
    if breakdown.suppressed:
        assert breakdown.rows == () and breakdown.total is None
        assert sum(true_total) < threshold
    else:
        # The total is the rows' sum and the true one: subtracting the rows from it leaves
        # nothing, and every respondent is in some row.
        assert breakdown.total == tuple(map(sum, zip(*(r.counts for r in breakdown.rows),
                                                     strict=True)))
        assert breakdown.total == true_total


@settings(max_examples=1000)
@given(answers(), thresholds)
def test_the_rule_is_as_the_coordinator_is_told(groups, threshold):
    breakdown = publishable(groups, threshold, MUUT)
    alone = [row.label for row in breakdown.rows if not row.merged]
    big = [label for label, counts in groups.items() if sum(counts) >= threshold]
    if breakdown.suppressed:
        return
    # Every organisation of N or more is on its own, but for at most one: the smallest.
    assert set(alone) <= set(big) and len(big) - len(alone) <= 1
    taken = set(big) - set(alone)
    if taken:
        smallest = min(sum(groups[label]) for label in big)
        assert all(sum(groups[label]) == smallest for label in taken)


@settings(max_examples=300)
@given(answers(), thresholds, st.randoms(use_true_random=False))
def test_the_order_groups_come_in_changes_no_row(groups, threshold, random):
    shuffled = list(groups.items())
    random.shuffle(shuffled)
    again = publishable(dict(shuffled), threshold, MUUT)
    rows = publishable(groups, threshold, MUUT).rows
    assert {(r.label, r.counts, frozenset(r.members)) for r in again.rows} == \
        {(r.label, r.counts, frozenset(r.members)) for r in rows}


# A reader's knowledge as linear equations over the unknowns x[group, value], the counts of
# each group's answers of each value. A figure is derivable exactly when its equation is a
# linear combination (over the rationals, so subtraction and more) of the known ones.


def _unit(groups: Sequence[str], width: int, cells: Iterable[tuple[str, int]]
          ) -> list[Fraction]:
    vector = [Fraction(0)] * (len(groups) * width)
    for label, value in cells:
        vector[groups.index(label) * width + value] = Fraction(1)
    return vector


class Span:
    """The linear combinations of known equations, by Gaussian elimination."""

    def __init__(self) -> None:
        self.pivots: list[tuple[int, list[Fraction]]] = []

    def reduce(self, vector: list[Fraction]) -> list[Fraction]:
        vector = list(vector)
        for column, pivot in self.pivots:
            if vector[column]:
                factor = vector[column] / pivot[column]
                vector = [a - factor * b for a, b in zip(vector, pivot, strict=True)]
        return vector

    def add(self, vector: list[Fraction]) -> None:
        reduced = self.reduce(vector)
        column = next((i for i, a in enumerate(reduced) if a), None)
        if column is not None:
            self.pivots.append((column, reduced))

    def holds(self, vector: list[Fraction]) -> bool:
        return not any(self.reduce(vector))


def _reader(groups: Mapping[str, Sequence[int]], breakdown: Breakdown, *,
            overall: bool, respondents_by_group: bool) -> Span:
    """What a reader of the published breakdown knows. It knows the labels of every group that
    took part and which of them answered nothing; with `overall`, the question's distribution
    as the room and the memo show it; with `respondents_by_group`, how many of each group
    answered (told by someone, say), which nothing publishes."""
    labels, width = list(groups), _width(groups)
    span = Span()
    for row in breakdown.rows:
        for value in range(width):
            span.add(_unit(labels, width, [(m, value) for m in row.members]))
    if breakdown.total is not None or overall:
        for value in range(width):
            span.add(_unit(labels, width, [(label, value) for label in labels]))
    for label in labels:
        if not sum(groups[label]):
            for value in range(width):
                span.add(_unit(labels, width, [(label, value)]))
        elif respondents_by_group:
            span.add(_unit(labels, width, [(label, value) for value in range(width)]))
    return span


def _derivable_small_counts(groups: Mapping[str, Sequence[int]], span: Span,
                            threshold: int) -> list[tuple[str, int]]:
    labels, width = list(groups), _width(groups)
    # A group with no respondents has no answers to give away.
    return [(label, value) for label in labels if 0 < sum(groups[label]) < threshold
            for value in range(width) if span.holds(_unit(labels, width, [(label, value)]))]


@settings(max_examples=1000, deadline=None)
@given(answers(), thresholds)
def test_no_published_figure_gives_away_a_small_groups_counts(groups, threshold):
    breakdown = publishable(groups, threshold, MUUT)
    reader = _reader(groups, breakdown, overall=False, respondents_by_group=True)
    assert _derivable_small_counts(groups, reader, threshold) == []


@settings(max_examples=1000, deadline=None)
@given(answers(), thresholds)
def test_nor_together_with_the_questions_overall_distribution(groups, threshold):
    breakdown = publishable(groups, threshold, MUUT)
    reader = _reader(groups, breakdown, overall=True, respondents_by_group=False)
    answered = [label for label, counts in groups.items() if sum(counts)]
    derivable = _derivable_small_counts(groups, reader, threshold)
    # The overall distribution of a question only one group answered is that group's: the
    # room and the memo show it whatever the breakdown does.
    assert derivable == [] or len(answered) == 1


def test_the_reader_model_finds_what_a_naive_rule_would_give_away():
    # Without the rule's last step, Varha and Pirha shown and "muut" left out: the total
    # minus the two rows is Satakunta's and Pohde's; with only Satakunta small, its own.
    groups = {"Varha": (4, 3), "Pirha": (2, 4), "Satakunta": (1, 1)}
    naive = Breakdown(rows=(Row("Varha", (4, 3), ("Varha",)), Row("Pirha", (2, 4), ("Pirha",))),
                      total=(7, 8), threshold=5)
    reader = _reader(groups, naive, overall=False, respondents_by_group=False)
    assert _derivable_small_counts(groups, reader, 5) == [("Satakunta", 0), ("Satakunta", 1)]
    fair = _reader(groups, publishable(groups, 5, MUUT), overall=True,
                   respondents_by_group=True)
    assert _derivable_small_counts(groups, fair, 5) == []
