"""Counting the SQL statements code sends, for tests that pin a page or a compile to a fixed
number of queries however much data there is."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from facilitate.extensions import db


class Statements(list[str]):
    """The statements sent so far; calling it gives how many."""

    def __call__(self) -> int:
        return len(self)


@contextmanager
def counted() -> Iterator[Statements]:
    """`with counted() as statements:` … `statements()` is how many were sent so far (and
    `statements` lists them, for the failure message)."""
    statements = Statements()
    # Only this thread's: a background thread of an earlier test (a mail sent after its
    # response, a presence flush) may still query the same engine meanwhile.
    here = threading.get_ident()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.get_ident() == here:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
