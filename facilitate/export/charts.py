"""Charts in a memo: a fenced ```chart block drawn as an accessible figure.

The block's first line is the caption, then one `label | count` line per bar (docs/memo.md).
The figure is a list: each item has the label, the count and the count drawn as an SVG bar.
The numbers are text, so they can be read without seeing the bars (which are decorative to
assistive technology), and PDFs stay quick to make: WeasyPrint lays out SVG text and tables
slowly, so the SVG holds shapes only and there is no table. The markup is built here from
escaped text only and inserted after sanitising, so user HTML never reaches it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import escape

#: A fenced block whose info string is `chart`; the closing fence repeats the opening one.
CHART_BLOCK_RE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[ \t]*chart[ \t]*\n(?P<body>.*?)\n(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL)
_COUNT_RE = re.compile(r"[0-9]{1,9}")


#: The longest bar, in CSS pixels (user units of the bar's SVG).
_BAR_MAX = 240
_BAR_HEIGHT = 14
_BAR_COLOUR = "#29549a"


@dataclass(frozen=True)
class Chart:
    """A bar chart: its caption and (label, count) rows in the order written."""

    caption: str
    rows: tuple[tuple[str, int], ...]


def parse_chart(body: str) -> Chart | None:
    """The chart a block's body describes, or None when it is not a well-formed chart."""
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    if len(lines) < 2:
        return None
    caption, *rest = lines
    rows = []
    for line in rest:
        label, separator, count = line.rpartition("|")
        label, count = label.strip(), count.strip()
        if not separator or not label or not _COUNT_RE.fullmatch(count):
            return None
        rows.append((label, int(count)))
    return Chart(caption, tuple(rows))


def bar_svg(count: int, largest: int) -> str:
    """One row's bar: a filled rectangle as long as the count is of the largest (1 px at 0)."""
    width = max(1, round(_BAR_MAX * count / largest)) if largest else 1
    return (f'<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" focusable="false" '
            f'width="{width}" height="{_BAR_HEIGHT}" viewBox="0 0 {width} {_BAR_HEIGHT}">'
            f'<rect width="{width}" height="{_BAR_HEIGHT}" fill="{_BAR_COLOUR}"/></svg>')


def chart_list(chart: Chart) -> str:
    """The chart as a list: "label: count" and its bar on each item."""
    largest = max((count for _label, count in chart.rows), default=0)
    items = "".join(f'<li><span class="label">{escape(label)}</span>: '
                    f'<span class="count">{count}</span> {bar_svg(count, largest)}</li>'
                    for label, count in chart.rows)
    return f'<ul class="chart-data">{items}</ul>'


def chart_html(chart: Chart, number: int) -> str:
    """The chart as a <figure> captioned by the block's first line; number makes ids unique."""
    caption_id = f"chart-{number}-caption"
    return (f'<figure class="chart" id="chart-{number}" aria-labelledby="{caption_id}">'
            f'<figcaption id="{caption_id}">{escape(chart.caption)}</figcaption>'
            f"{chart_list(chart)}</figure>")
