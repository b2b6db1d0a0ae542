"""Charts in a memo: a fenced ```chart block drawn as an accessible figure.

The block's first line is the caption, then one `label | count` line per bar (docs/memo.md).
The figure is a list: each item has the label, the count and the count drawn as a bar.
The numbers are text, so they can be read without seeing the bars (which are decorative to
assistive technology), and PDFs stay quick to make: WeasyPrint lays out SVG text and tables
slowly, so there is no text in the bars and no table. On screen a bar is an SVG hidden from
screen readers. In the PDF it is an empty box with a background: WeasyPrint tags every SVG as
a /Figure, which PDF/UA requires to have alternative text (and a reader would then hear each
number twice), but it draws backgrounds as artifacts. The markup is built here from escaped
text only and inserted after sanitising, so user HTML never reaches it.
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


def _bar_width(count: int, largest: int) -> int:
    """A bar's length in CSS pixels: the count's share of the largest (1 px at 0)."""
    return max(1, round(_BAR_MAX * count / largest)) if largest else 1


def bar_svg(count: int, largest: int) -> str:
    """One row's bar as an SVG rectangle."""
    width = _bar_width(count, largest)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" focusable="false" '
            f'width="{width}" height="{_BAR_HEIGHT}" viewBox="0 0 {width} {_BAR_HEIGHT}">'
            f'<rect width="{width}" height="{_BAR_HEIGHT}" fill="{_BAR_COLOUR}"/></svg>')


def bar_box(count: int, largest: int) -> str:
    """One row's bar as an empty box painted by its background, for the PDF."""
    # An inline style, not a class per length: the PDF is made from this page alone, and the
    # app's pages (whose CSP refuses inline styles) only ever show the SVG bars.
    return (f'<span class="bar" style="width: {_bar_width(count, largest)}px; '
            f'height: {_BAR_HEIGHT}px; background: {_BAR_COLOUR}"></span>')


def chart_list(chart: Chart, *, svg_bars: bool = True) -> str:
    """The chart as a list: "label: count" and its bar (SVG, or a box) on each item."""
    largest = max((count for _label, count in chart.rows), default=0)
    bar = bar_svg if svg_bars else bar_box
    items = "".join(f'<li><span class="label">{escape(label)}</span>: '
                    f'<span class="count">{count}</span> {bar(count, largest)}</li>'
                    for label, count in chart.rows)
    return f'<ul class="chart-data">{items}</ul>'


def chart_html(chart: Chart, number: int, *, svg_bars: bool = True) -> str:
    """The chart as a <figure> captioned by the block's first line; number makes ids unique."""
    caption_id = f"chart-{number}-caption"
    return (f'<figure class="chart" id="chart-{number}" aria-labelledby="{caption_id}">'
            f'<figcaption id="{caption_id}">{escape(chart.caption)}</figcaption>'
            f"{chart_list(chart, svg_bars=svg_bars)}</figure>")
