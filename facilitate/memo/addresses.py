"""Where a memo lives: its public download addresses and its files under EXPORTS_DIR, and the
address of the logos its Markdown shows.

A memo's addresses are built from the series, the workshop's date, the memo's language and
the version number only, so a link in an earlier memo never breaks when a correction is
published. The Finnish memo has the short addresses; another language's have its code before
the format ("…/2023-03-29/sv.pdf").
"""

from __future__ import annotations

from datetime import date


def memo_address(base_url: str, series_slug: str, day: date, fmt: str,
                 version: int | None = None, *, language: str = "fi") -> str:
    """The public address of a memo in one format: the latest published version, or one."""
    base = f"{base_url.rstrip('/')}/series/{series_slug}/memos/{day.isoformat()}"
    if language != "fi":
        return f"{base}/{language}.{fmt}" if version is None else \
            f"{base}/{language}/v{version}.{fmt}"
    return f"{base}.{fmt}" if version is None else f"{base}/v{version}.{fmt}"


def logo_address(base_url: str, logo_id: int) -> str:
    """The public address of a series' logo, which a memo's Markdown shows."""
    return f"{base_url.rstrip('/')}/logos/{logo_id}"


def export_path(series_slug: str, day: date, number: int, fmt: str, *,
                language: str = "fi") -> str:
    """A published version's file, relative to EXPORTS_DIR."""
    infix = "" if language == "fi" else f"-{language}"
    return f"{series_slug}/{series_slug}-{day.isoformat()}{infix}-v{number}.{fmt}"
