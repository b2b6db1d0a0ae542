"""Text edits as operations, and their transformation, so concurrent note edits lose no text.

An edit is a list over the whole text, in Unicode code points: a positive int keeps that many
characters, a negative int deletes that many, a string inserts itself. `static/js/room/textops.js`
implements the same rules for the browser; docs/realtime.md explains the protocol around them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..validation import has_lone_surrogate

Component = int | str
Ops = list[Component]

#: More components than this in one edit is not typing; refuse it rather than spend time on it.
MAX_COMPONENTS = 20000


class OpsError(ValueError):
    """An edit that is malformed or does not fit the text it claims to be based on."""


def validate(ops: Any) -> Ops:
    """The edit as a normalised list, or OpsError when its shape is wrong."""
    if not isinstance(ops, list) or not ops:
        raise OpsError("ops must be a non-empty list")
    if len(ops) > MAX_COMPONENTS:
        raise OpsError("too many operations")
    for component in ops:
        if isinstance(component, bool) or not isinstance(component, int | str):
            raise OpsError("each operation is an integer or a string")
        if component == 0 or component == "":
            raise OpsError("empty operation")
        if isinstance(component, str) and "\x00" in component:
            raise OpsError("NUL characters are not allowed")
        if isinstance(component, str) and has_lone_surrogate(component):
            raise OpsError("half of a UTF-16 surrogate pair is not a character")
    return normalise(ops)


def normalise(ops: Sequence[Component]) -> Ops:
    """Adjacent operations of one kind merged; zero-length ones dropped."""
    out: Ops = []
    for component in ops:
        if component == 0 or component == "":
            continue
        if out and _same_kind(out[-1], component):
            out[-1] = out[-1] + component  # type: ignore[operator]
        else:
            out.append(component)
    return out


def _same_kind(a: Component, b: Component) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str)
    return (a > 0) == (b > 0)


def base_length(ops: Sequence[Component]) -> int:
    """Length of the text the edit applies to."""
    return sum(abs(c) for c in ops if isinstance(c, int))


def target_length(ops: Sequence[Component]) -> int:
    """Length of the text after the edit."""
    return sum(c if isinstance(c, int) and c > 0 else len(c) if isinstance(c, str) else 0
               for c in ops)


def is_noop(ops: Sequence[Component]) -> bool:
    """True when the edit changes nothing."""
    return all(isinstance(c, int) and c > 0 for c in ops)


def apply(text: str, ops: Sequence[Component]) -> str:
    """The text after the edit; OpsError when the edit does not cover the text exactly."""
    if base_length(ops) != len(text):
        raise OpsError(f"edit is for a text of {base_length(ops)} characters, not {len(text)}")
    parts: list[str] = []
    at = 0
    for component in ops:
        if isinstance(component, str):
            parts.append(component)
        elif component > 0:
            parts.append(text[at:at + component])
            at += component
        else:
            at -= component
    return "".join(parts)


def diff(old: str, new: str) -> Ops:
    """One edit turning `old` into `new`: keep the common ends, replace the middle."""
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return normalise([start, -(len(old) - start - end), new[start:len(new) - end], end])


class _Cursor:
    """Walks an edit component by component, splitting them as the other side needs."""

    def __init__(self, ops: Sequence[Component]) -> None:
        self._items: Iterator[Component] = iter(ops)
        self.head: Component | None = next(self._items, None)

    def take(self, n: int | None = None) -> Component:
        """The head, or its first n characters' worth when n is smaller than it."""
        head = self.head
        assert head is not None
        size = len(head) if isinstance(head, str) else abs(head)
        if n is None or n >= size:
            self.head = next(self._items, None)
            return head
        if isinstance(head, str):
            self.head = head[n:]
            return head[:n]
        sign = 1 if head > 0 else -1
        self.head = head - sign * n
        return sign * n


def _size(component: Component) -> int:
    return len(component) if isinstance(component, str) else abs(component)


def transform(first: Sequence[Component], second: Sequence[Component]) -> tuple[Ops, Ops]:
    """Both edits made on the same text, each rewritten to apply after the other.

    Returns (first', second') with apply(apply(t, first), second') == apply(apply(t, second),
    first'). When both insert at one place, `first`'s insert comes first: the server passes the
    edit it already applied as `first`, and clients do the same, so everyone agrees.
    """
    if base_length(first) != base_length(second):
        raise OpsError("the two edits are for texts of different lengths")
    out_first: Ops = []
    out_second: Ops = []
    a, b = _Cursor(first), _Cursor(second)
    while a.head is not None or b.head is not None:
        if isinstance(a.head, str):
            text = a.take()
            out_first.append(text)
            out_second.append(len(text))  # type: ignore[arg-type]
            continue
        if isinstance(b.head, str):
            text = b.take()
            out_first.append(len(text))  # type: ignore[arg-type]
            out_second.append(text)
            continue
        if a.head is None or b.head is None:
            raise OpsError("the edits do not line up")
        n = min(_size(a.head), _size(b.head))
        ca, cb = a.take(n), b.take(n)
        assert isinstance(ca, int) and isinstance(cb, int)
        if ca > 0 and cb > 0:
            out_first.append(n)
            out_second.append(n)
        elif ca < 0 < cb:
            out_first.append(-n)  # first deletes what second kept
        elif cb < 0 < ca:
            out_second.append(-n)
        # both deleted the same characters: nothing left to do on either side
    return normalise(out_first), normalise(out_second)


@dataclass
class InFlight:
    """An edit sent to the server and not yet seen back."""

    change_id: str
    #: what was sent, for an identical resend after a reconnect
    base_version: int
    sent_ops: Ops
    #: the same edit rebased onto the client's confirmed text as other edits arrive
    ops: Ops


def compose(first: Sequence[Component], second: Sequence[Component]) -> Ops:
    """One edit with the effect of `first` followed by `second`."""
    if target_length(first) != base_length(second):
        raise OpsError("the second edit is not for the text the first one leaves")
    out: Ops = []
    a, b = _Cursor(first), _Cursor(second)
    while a.head is not None or b.head is not None:
        if isinstance(a.head, int) and a.head < 0:
            out.append(a.take())  # deleted by the first: the second never saw it
            continue
        if isinstance(b.head, str):
            out.append(b.take())
            continue
        if a.head is None or b.head is None:
            raise OpsError("the edits do not line up")
        n = min(_size(a.head), _size(b.head))
        ca, cb = a.take(n), b.take(n)
        assert isinstance(cb, int)
        if cb < 0:
            if isinstance(ca, int):
                out.append(cb)  # kept by the first, deleted by the second
            # inserted by the first and deleted by the second: nothing remains
        else:
            out.append(ca)  # kept by the second: the first's insert or keep stands
    return normalise(out)


class NoteEditor:
    """One client's view of a note: confirmed text, at most one edit in flight, local typing.

    The same state machine as the browser's (static/js/room/textops.js), used by tests and the
    benchmark to act as a note-taker over a real socket. Typing is recorded change by change
    (assign `local` after each keystroke or paste): one diff of many changes at once could not
    tell an insert from a replacement, and would turn a colleague's concurrent text into
    duplicates.
    """

    def __init__(self, confirmed: str = "", version: int = 0) -> None:
        self.confirmed = confirmed
        self.version = version
        self._local = confirmed
        #: typing not sent yet, as one edit of the text sent so far
        self.buffer: Ops = normalise([len(confirmed)])
        self.in_flight: InFlight | None = None

    @property
    def local(self) -> str:
        """What the user sees: confirmed text, the edit in flight and the unsent typing."""
        return self._local

    @local.setter
    def local(self, text: str) -> None:
        self.buffer = compose(self.buffer, diff(self._local, text))
        self._local = text

    def sent_text(self) -> str:
        """The confirmed text with the edit in flight applied."""
        return apply(self.confirmed, self.in_flight.ops) if self.in_flight else self.confirmed

    def next_edit(self, change_id: str) -> InFlight | None:
        """The edit to send now (marked in flight), or None if one is out or nothing changed."""
        if self.in_flight is not None or is_noop(self.buffer):
            return None
        ops = self.buffer
        self.in_flight = InFlight(change_id, self.version, ops, ops)
        self.buffer = normalise([len(self._local)])
        return self.in_flight

    def receive(self, version: int, ops: Sequence[Component], change_id: str | None) -> bool:
        """Apply a broadcast edit; False when a gap means history must be fetched first."""
        if version <= self.version:
            return True
        if version != self.version + 1:
            return False
        if self.in_flight is not None and change_id == self.in_flight.change_id:
            self.confirmed = apply(self.confirmed, self.in_flight.ops)
            self.in_flight = None
        else:
            self._local = apply(self._local, self._rebase_remote(list(ops)))
        self.version = version
        return True

    def unsend(self) -> None:
        """The server refused the edit in flight as too old (`gone`): it was never applied, so
        it goes back into the unsent typing, to be sent again once caught up."""
        if self.in_flight is not None:
            self.buffer = compose(self.in_flight.ops, self.buffer)
            self.in_flight = None

    def rebase(self, version: int, text: str, pending_applied: bool | None) -> Ops | None:
        """Adopt the server's `text` at `version` when the edits leading there are no longer
        kept, keeping what is unsent (and the edit in flight, unless `pending_applied` says
        the server has it). Returns the change of the local text, or None if `version` is not
        newer than ours.

        Without the edits, the server's side is taken as one replacement of the text the two
        sides share (a diff): nothing typed here is lost, though it may land next to, rather
        than inside, what changed there.
        """
        if version <= self.version:
            return None
        if self.in_flight is not None and pending_applied:
            shared, mine = self.sent_text(), self.buffer
        elif self.in_flight is not None:
            shared, mine = self.confirmed, compose(self.in_flight.ops, self.buffer)
        else:
            shared, mine = self.confirmed, self.buffer
        theirs, self.buffer = transform(diff(shared, text), mine)
        self.in_flight = None
        self.confirmed, self.version = text, version
        self._local = apply(text, self.buffer)
        return theirs

    def _rebase_remote(self, remote: Ops) -> Ops:
        """Advance the confirmed text, the edit in flight and the unsent typing past `remote`;
        return it as it applies to the local text."""
        after_mine = remote
        if self.in_flight is not None:
            after_mine, self.in_flight.ops = transform(remote, self.in_flight.ops)
        self.confirmed = apply(self.confirmed, remote)
        rebased, self.buffer = transform(after_mine, self.buffer)
        return rebased
