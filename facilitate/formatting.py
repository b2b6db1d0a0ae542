"""Dates, times and sizes written the Finnish way ("29.3.2023 klo 14–16", "352 kt", "1,2 Mt")."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .timeutil import to_local


def format_day(day: date) -> str:
    """29.3.2023: day and month without leading zeros."""
    return f"{day.day}.{day.month}.{day.year}"


def format_clock(at: time) -> str:
    """Hours alone when the minutes are whole ("14"), else with a dot ("9.30")."""
    return f"{at.hour}" if at.minute == 0 else f"{at.hour}.{at.minute:02d}"


def format_time_range(starts: time, ends: time) -> str:
    """"14–16" or "9.30–11" with an en dash."""
    return f"{format_clock(starts)}–{format_clock(ends)}"


def format_when(day: date, starts: time, ends: time) -> str:
    """"29.3.2023 klo 14–16", as a memo's time line and the pages say it."""
    return f"{format_day(day)} klo {format_time_range(starts, ends)}"


def format_moment(moment: datetime | None) -> str:
    """An aware moment in Finnish time: "29.3.2023 klo 14.05"."""
    if moment is None:
        return ""
    local = to_local(moment)
    return f"{format_day(local.date())} klo {local.hour}.{local.minute:02d}"


def format_size(size_bytes: int, units: tuple[str, str] = ("kt", "Mt")) -> str:
    """A file's size as Finns write it: kilotavu below a megatavu, rounded half up and at
    least 1 ("352 kt"), then megatavu with one decimal and a decimal comma ("1,2 Mt").
    `units` names the two in another language (Swedish: "kB", "MB")."""
    kilo = Decimal(size_bytes) / 1024
    if kilo < 1024:
        return f"{max(1, int(kilo.quantize(Decimal(1), rounding=ROUND_HALF_UP)))} {units[0]}"
    mega = (kilo / 1024).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{str(mega).replace('.', ',')} {units[1]}"


def format_local_day(moment: datetime) -> str:
    """The day of an aware moment in Finnish time: "29.3.2023"."""
    return format_day(to_local(moment).date())


def datetime_local_value(moment: datetime | None) -> str:
    """The value an <input type="datetime-local"> wants, in Finnish time."""
    if moment is None:
        return ""
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def _moment_on_page(moment: datetime | None) -> str:
    # Pages speak the reader's language; memos and calendars keep the Finnish "klo".
    from flask_babel import gettext

    return format_moment(moment).replace(" klo ", f" {gettext('klo')} ")


def _when_on_page(workshop: Any) -> str:
    """A workshop's "29.3.2023 klo 14–16" with "klo" in the reader's language."""
    from flask_babel import gettext

    return format_when(workshop.day, workshop.starts_at, workshop.ends_at).replace(
        " klo ", f" {gettext('klo')} ", 1)


def _markdown(text: str | None) -> Any:
    from .text import render_markdown

    return render_markdown(text)


FILTERS: dict[str, Any] = {
    "markdown": _markdown,
    "day": format_day,
    "local_day": format_local_day,
    "moment": _moment_on_page,
    "when": _when_on_page,
    "size": format_size,
    "datetime_local": datetime_local_value,
}
