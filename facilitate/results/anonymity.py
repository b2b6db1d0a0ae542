"""The anonymity rule: what of a question's results by organisation may leave the coordinator
console (presenter view, memo, exports, the API).

The rule, as a coordinator is told it (N is the setting ANONYMITY_THRESHOLD, default 5):

    An organisation with at least N respondents is shown on its own. The others are counted
    together as "muut". If "muut" would have fewer than N respondents, the smallest
    organisation shown is counted in it too. If the whole question had fewer than N
    respondents, nothing is shown by organisation.

What is published, and nothing else: each row's label, its count for every answer value (in
scale or option order) and its respondents (the sum of those counts); and the total row,
whose counts are the sum of the rows' counts. The "muut" row does not say which
organisations it stands for.

Why no figure gives away a group under N respondents ("small" below):

* Every row has at least N respondents. A row of one organisation is one of at least N; the
  "muut" row is a sum of at least two organisations that have respondents: without the
  smallest shown organisation it is only small ones, so at least two are needed to reach N,
  and with it, it holds that one and at least one small one (it was needed only because
  some small one had respondents).
* The rows are the respondents divided without overlap, so the total is exactly the sum of
  the rows, and the question's overall distribution, which the room and the memo show
  anyway, is that same total. Subtracting any published rows from the total, or from each
  other, gives only sums of other whole rows: never the counts of a small organisation
  (per value, not only its respondents), since each small one is inside "muut" together with
  at least one organisation whose own counts are nowhere published.
* With fewer than N respondents in all there are no rows and no total: the breakdown is
  suppressed (`Breakdown.suppressed`).

What a threshold cannot hide: a row in which nobody chose a value tells that nobody in the
organisations it stands for chose it, and a row in which everybody chose the same one tells
that everybody did. The rule protects against reading a small group's counts by subtraction;
it does not make every row diverse. Nor is it about the overall distribution itself: when
only one organisation answered, the room and the memo show its answers as the question's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One published row: an organisation, or "muut" standing for `members`."""

    label: str
    #: the number of answers of every value, in scale or option order
    counts: tuple[int, ...]
    #: the organisations counted in it; only the coordinator console names them
    members: tuple[str, ...]
    #: the "muut" row
    merged: bool = False

    @property
    def respondents(self) -> int:
        """How many answered, all values together."""
        return sum(self.counts)


@dataclass(frozen=True)
class Breakdown:
    """A question's results by organisation, as they may be shown under `threshold`."""

    rows: tuple[Row, ...]
    #: the sum of the rows' counts; None when suppressed
    total: tuple[int, ...] | None
    #: None: the coordinator's own view, every organisation on its own
    threshold: int | None
    #: fewer than `threshold` respondents in all: nothing is shown by organisation
    suppressed: bool = False

    @property
    def respondents(self) -> int:
        """How many answered, in the rows shown."""
        return sum(row.respondents for row in self.rows)


def publishable(groups: Mapping[str, Sequence[int]], threshold: int,
                others_label: str) -> Breakdown:
    """The breakdown of `groups` (label → counts per answer value) that the rule lets out."""
    if threshold < 1:
        raise ValueError("the anonymity threshold is at least 1")
    counted = {label: tuple(counts) for label, counts in groups.items()}
    if _respondents(counted, list(counted)) < threshold:
        return Breakdown(rows=(), total=None, threshold=threshold, suppressed=True)
    shown = [label for label, counts in counted.items() if sum(counts) >= threshold]
    others = [label for label, counts in counted.items() if 0 < sum(counts) < threshold]
    if 0 < _respondents(counted, others) < threshold:
        # By respondents, then by label, so that the same answers always give the same rows.
        smallest = min(shown, key=lambda label: (sum(counted[label]), label))
        shown.remove(smallest)
        others.append(smallest)
    rows = [Row(label, counted[label], (label,)) for label in shown]
    if others:
        rows.append(Row(others_label, _sum([counted[label] for label in others]),
                        tuple(others), merged=True))
    return Breakdown(rows=tuple(rows), total=_sum([row.counts for row in rows]),
                     threshold=threshold)


def _respondents(counted: Mapping[str, tuple[int, ...]], labels: Sequence[str]) -> int:
    return sum(sum(counted[label]) for label in labels)


def _sum(counts: Sequence[tuple[int, ...]]) -> tuple[int, ...]:
    return tuple(map(sum, zip(*counts, strict=True)))
