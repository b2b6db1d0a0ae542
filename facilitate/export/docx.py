"""The memo as a Word document, built by walking the same sanitised HTML as the other formats.

Headings get Word's Heading styles, lists the List Bullet / List Number styles, links are real
hyperlinks, tables keep their header row, and a chart becomes its caption and its list, so
a screen reader in Word meets the same structure as in the PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from io import BytesIO
from typing import TYPE_CHECKING

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .html import language_tag, render_body

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

    from . import Document

HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BLOCK_TAGS = {*HEADING_TAGS, "p", "ul", "ol", "li", "blockquote", "pre", "table", "figure",
              "hr", "figcaption"}
_VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "col", "wbr"}
#: Word wants a region with the language; a bare "fi" would not pick Finnish proofing.
_WORD_LANGUAGES = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB", "se": "se-FI"}
_LINK_SCHEMES = ("http://", "https://", "mailto:")
# Characters XML 1.0 cannot hold; lxml refuses them, so they are dropped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_LIST_LEVEL = 3
# HTML's white space only: a no-break space in the memo ("352\u00a0kt") must stay one.
_HTML_SPACE = re.compile("[ \t\n\r\f]+")
# Elements that must follow <w:pBdr> in <w:pPr> and <w:tblHeader> in <w:trPr> (the schema
# fixes the order; python-docx has no API for these two).
_PBDR_SUCCESSORS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_TBL_HEADER_SUCCESSORS = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del",
                          "w:trPrChange")


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """A tiny DOM of the (already sanitised, well-formed) memo HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root", {})
        self._stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {name: value or "" for name, value in attrs})
        self._stack[-1].children.append(node)
        if tag not in _VOID_TAGS:
            self._stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack[-1].children.append(_Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._stack[-1].children.append(data)


def parse_html(html: str) -> _Node:
    """The HTML fragment as a tree of nodes."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


@dataclass(frozen=True)
class _Style:
    bold: bool = False
    italic: bool = False
    strike: bool = False
    code: bool = False


@dataclass
class _Text:
    text: str
    style: _Style


@dataclass
class _Link:
    url: str
    parts: list[_Text | None]


_Inline = _Text | _Link | None  # None is a line break


def _inline(node: _Node | str, style: _Style, out: list[_Inline]) -> None:
    if isinstance(node, str):
        out.append(_Text(node, style))
        return
    tag = node.tag
    if tag == "br":
        out.append(None)
        return
    if tag == "svg":  # a chart's picture; its numbers are in the table beside it
        return
    if tag in ("strong", "b", "th"):
        style = _Style(True, style.italic, style.strike, style.code)
    elif tag in ("em", "i"):
        style = _Style(style.bold, True, style.strike, style.code)
    elif tag == "del":
        style = _Style(style.bold, style.italic, True, style.code)
    elif tag == "code":
        style = _Style(style.bold, style.italic, style.strike, True)
    if tag == "a" and node.attrs.get("href", "").startswith(_LINK_SCHEMES):
        parts: list[_Inline] = []
        for child in node.children:
            _inline(child, style, parts)
        out.append(_Link(node.attrs["href"], [p for p in parts if not isinstance(p, _Link)]))
        return
    for child in node.children:
        _inline(child, style, out)


def _tidy(items: list[_Inline]) -> list[_Inline]:
    """Collapse HTML whitespace the way a browser would, across run boundaries."""
    tidy: list[_Inline] = []
    space_before = True  # strip leading space of the paragraph

    def clean(text: _Text) -> _Text | None:
        nonlocal space_before
        collapsed = _HTML_SPACE.sub(" ", _XML_INVALID.sub("", text.text))
        if space_before:
            collapsed = collapsed.lstrip(" ")
        if not collapsed:
            return None
        space_before = collapsed.endswith(" ")
        return _Text(collapsed, text.style)

    for item in items:
        if item is None:
            tidy.append(None)
            space_before = True
        elif isinstance(item, _Link):
            parts = [clean(part) if part else None for part in item.parts]
            tidy.append(_Link(item.url, [p for p in parts if p is not None]))
        elif (cleaned := clean(item)) is not None:
            tidy.append(cleaned)
    # Strip the paragraph's trailing space.
    for item in reversed(tidy):
        last = item.parts[-1] if isinstance(item, _Link) and item.parts else item
        if isinstance(last, _Text):
            last.text = last.text.rstrip(" ")
            break
        if last is not None:
            break
    return tidy


class _Writer:
    """Walks the HTML tree and appends paragraphs and tables to a Word document."""

    def __init__(self, word: WordDocument) -> None:
        self.word = word
        self.list_level = 0
        self._style_ids: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        """A style's id, looked up once: python-docx finds a style by name by walking every
        style, which on each paragraph of a long memo cost more than the rest together."""
        if name not in self._style_ids:
            self._style_ids[name] = self.word.styles[name].style_id
        return self._style_ids[name]

    # Paragraph content --------------------------------------------------------------------

    def _format(self, run: Run, style: _Style) -> None:
        run.bold = style.bold or None
        run.italic = style.italic or None
        if style.strike:
            run.font.strike = True
        if style.code:
            run.font.name = "Courier New"

    def fill(self, paragraph: Paragraph, items: list[_Inline]) -> None:
        """Add the inline items to a paragraph as runs and hyperlinks."""
        for item in _tidy(items):
            if item is None:
                paragraph.add_run().add_break()
            elif isinstance(item, _Link):
                self._hyperlink(paragraph, item)
            else:
                self._format(paragraph.add_run(item.text), item.style)

    def _hyperlink(self, paragraph: Paragraph, link: _Link) -> None:
        relationship = paragraph.part.relate_to(link.url, RELATIONSHIP_TYPE.HYPERLINK,
                                                is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), relationship)
        hyperlink.set(qn("w:history"), "1")
        for part in link.parts or [_Text(link.url, _Style())]:
            if part is None:
                run = paragraph.add_run()
                run.add_break()
            else:
                run = paragraph.add_run(part.text)
                run._r.style = self.style_id("Hyperlink")
                self._format(run, part.style)
            # Move the run from the paragraph into the hyperlink.
            hyperlink.append(run._r)
        paragraph._p.append(hyperlink)

    def paragraph(self, items: list[_Inline], style: str | None = None) -> Paragraph | None:
        """A new paragraph holding the items, unless they are only whitespace."""
        if not any(item is None or isinstance(item, _Link) or item.text.strip()
                   for item in items):
            return None
        paragraph = self.word.add_paragraph()
        if style is not None:
            paragraph._p.style = self.style_id(style)
        self.fill(paragraph, items)
        return paragraph

    # Blocks -------------------------------------------------------------------------------

    def blocks(self, node: _Node, style: str | None = None,
               continuation: str | None = None) -> Paragraph | None:
        """Write a node's children; the first paragraph gets style, later ones continuation.

        Returns the first paragraph written at this level (a list item's numbered one).
        """
        current, first = style, None

        def emit(items: list[_Inline]) -> None:
            nonlocal current, first
            paragraph = self.paragraph(items, current)
            if paragraph is not None:
                if first is None:
                    first = paragraph
                current = continuation or current

        pending: list[_Inline] = []
        for child in node.children:
            if not (isinstance(child, _Node) and child.tag in BLOCK_TAGS):
                _inline(child, _Style(), pending)
                continue
            emit(pending)
            pending = []
            if child.tag == "p":
                items: list[_Inline] = []
                for grandchild in child.children:
                    _inline(grandchild, _Style(), items)
                emit(items)
            else:
                self.block(child, current)
                if child.tag not in ("ul", "ol"):
                    current = continuation or current
        emit(pending)
        return first

    def block(self, node: _Node, style: str | None) -> None:
        """Write one block element."""
        tag = node.tag
        if tag in HEADING_TAGS:
            items: list[_Inline] = []
            for child in node.children:
                _inline(child, _Style(), items)
            self.paragraph(items, f"Heading {HEADING_TAGS[tag]}")
        elif tag in ("ul", "ol"):
            self.list_block(node, numbered=tag == "ol")
        elif tag == "blockquote":
            self.blocks(node, "Quote", "Quote")
        elif tag == "pre":
            self.preformatted(node)
        elif tag == "table":
            self.table(node)
        elif tag == "figure":
            self.figure(node)
        elif tag == "hr":
            self.rule()
        else:  # li or figcaption out of place: keep the text
            self.blocks(node, style)

    def list_block(self, node: _Node, *, numbered: bool) -> None:
        """A bulleted or numbered list; nested lists use the next list level's style."""
        self.list_level += 1
        level = min(self.list_level, _MAX_LIST_LEVEL)
        suffix = "" if level == 1 else f" {level}"
        kind = "List Number" if numbered else "List Bullet"
        restart = self._restarted_numbering(kind + suffix) if numbered else None
        for item in node.children:
            if not isinstance(item, _Node):
                continue
            first = self.blocks(item, kind + suffix, "List Continue" + suffix)
            if restart is not None and first is not None:
                self._number(first, restart)
        self.list_level -= 1

    def _restarted_numbering(self, style_name: str) -> int | None:
        """A new numbering instance for a list style, so each <ol> starts again from 1."""
        style_ppr = self.word.styles[style_name].element.pPr
        style_numpr = None if style_ppr is None else style_ppr.numPr
        if style_numpr is None or style_numpr.numId is None:
            return None
        numbering = self.word.part.numbering_part.element
        abstract = numbering.num_having_numId(style_numpr.numId.val).abstractNumId.val
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId

    @staticmethod
    def _number(paragraph: Paragraph, num_id: int) -> None:
        numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        numpr.get_or_add_ilvl().val = 0
        numpr.get_or_add_numId().val = num_id

    def preformatted(self, node: _Node) -> None:
        """A code block: one monospace paragraph, its lines kept."""
        text = _XML_INVALID.sub("", "".join(_text_of(node))).strip("\n")
        paragraph = self.word.add_paragraph()
        paragraph._p.style = self.style_id("macro")
        run = paragraph.add_run()
        for index, line in enumerate(text.split("\n")):
            if index:
                run.add_break()
            run.add_text(line)

    def rule(self) -> None:
        """A thematic break (---) as an empty paragraph with a bottom border."""
        paragraph = self.word.add_paragraph()
        border = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for name, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
            bottom.set(qn(f"w:{name}"), value)
        border.append(bottom)
        paragraph._p.get_or_add_pPr().insert_element_before(border, *_PBDR_SUCCESSORS)

    def figure(self, node: _Node) -> None:
        """A chart: its caption as a Caption paragraph, then its "label: count" list."""
        for child in node.children:
            if not isinstance(child, _Node):
                continue
            if child.tag == "figcaption":
                items: list[_Inline] = []
                _inline(child, _Style(), items)
                self.paragraph(items, "Caption")
            elif child.tag == "ul":
                self.list_block(child, numbered=False)

    def table(self, node: _Node) -> None:
        """A table with its header row repeated on each page and header cells bold."""
        rows: list[tuple[bool, _Node]] = []
        for child in node.children:
            if isinstance(child, _Node) and child.tag in ("thead", "tbody"):
                rows += [(child.tag == "thead", row) for row in child.children
                         if isinstance(row, _Node) and row.tag == "tr"]
            elif isinstance(child, _Node) and child.tag == "tr":
                rows.append((False, child))
        cells = [[cell for cell in row.children
                  if isinstance(cell, _Node) and cell.tag in ("th", "td")] for _, row in rows]
        columns = max((len(row) for row in cells), default=0)
        if not columns:
            return
        table = self.word.add_table(rows=len(rows), cols=columns)
        table.style = self.word.styles["Table Grid"]
        for (is_header, _row), row_cells, word_row in zip(rows, cells, table.rows, strict=True):
            if is_header:
                header = OxmlElement("w:tblHeader")
                word_row._tr.get_or_add_trPr().insert_element_before(
                    header, *_TBL_HEADER_SUCCESSORS)
            for cell, word_cell in zip(row_cells, word_row.cells, strict=False):
                items: list[_Inline] = []
                _inline(cell, _Style(), items)
                self.fill(word_cell.paragraphs[0], items)
        # Word needs a paragraph between two adjacent tables, and one after a chart reads well.
        self.word.add_paragraph()


def _text_of(node: _Node | str) -> list[str]:
    if isinstance(node, str):
        return [node]
    if node.tag == "br":
        return ["\n"]
    return [text for child in node.children for text in _text_of(child)]


def _set_language(word: WordDocument, tag: str) -> None:
    """Every run's proofing language, via the document defaults."""
    word_tag = _WORD_LANGUAGES.get(tag.lower(), tag)
    defaults = word.styles.element.find(qn("w:docDefaults"))
    run_properties = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    language = run_properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_properties.append(language)
    language.set(qn("w:val"), word_tag)


def _add_hyperlink_style(word: WordDocument) -> None:
    style = word.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    style.base_style = word.styles["Default Paragraph Font"]
    style.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    style.font.underline = True
    style.unhide_when_used = True
    style.priority = 99


def build_document(document: Document) -> WordDocument:
    """The memo as a python-docx Document, before it is saved."""
    tag = language_tag(document)
    word = docx.Document()
    _set_language(word, tag)
    _add_hyperlink_style(word)
    word.styles["Normal"].font.size = Pt(11)
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.4)
    properties = word.core_properties
    properties.title = document.title
    properties.subject = document.subject
    properties.author = document.author
    properties.last_modified_by = document.author
    properties.language = tag
    properties.comments = ""
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)
    properties.revision = 1
    _Writer(word).blocks(parse_html(str(render_body(document.markdown))))
    return word


def render(document: Document) -> bytes:
    """The memo as .docx bytes."""
    buffer = BytesIO()
    build_document(document).save(buffer)
    return buffer.getvalue()
