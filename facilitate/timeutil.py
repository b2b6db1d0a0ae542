"""Time in one place: UTC in the database, Europe/Helsinki on screen and in calendars."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.types import DateTime, TypeDecorator

LOCAL_TZ = ZoneInfo("Europe/Helsinki")


def now_utc() -> datetime:
    """The current moment, timezone-aware in UTC."""
    return datetime.now(UTC)


def local_datetime(day: date, at: time) -> datetime:
    """A wall-clock time in Finland as an aware datetime."""
    return datetime.combine(day, at, tzinfo=LOCAL_TZ)


def to_local(moment: datetime) -> datetime:
    """An aware datetime shown in Finnish time."""
    return moment.astimezone(LOCAL_TZ)


def iso(value: date | datetime | time | None) -> str | None:
    """ISO 8601 for the API and the room: moments in UTC to the millisecond with a Z (as a
    browser's Date parses them), dates as YYYY-MM-DD, wall-clock times as HH:MM (the form
    the API accepts back, so a GET's value can be PATCHed unchanged)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value.isoformat()


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC (SQLite keeps no zone) and returns them aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)
