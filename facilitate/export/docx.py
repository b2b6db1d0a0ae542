"""The memo as a Word document, built by walking the same sanitised HTML as the other formats.

Headings get Word's Heading styles, lists the List Bullet / List Number styles, links are real
hyperlinks, tables keep their header row, and a chart becomes its caption and its list, so
a screen reader in Word meets the same structure as in the PDF.

The house style (`style.py`) is applied in code on top of python-docx's own template, so the
project keeps no binary template in step with the stylesheet: fonts, sizes and colours are the
PDF's, the header carries the title and the footer the page number.
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
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

# `house`, not `style`: the writer's methods take a paragraph style or a run's _Style as `style`.
from . import style as house
from .html import language_tag, render_body

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.text.parfmt import ParagraphFormat

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
_THEME_FONT_ATTRIBUTES = tuple(qn(f"w:{name}") for name in
                               ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"))
_CSS_GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
#: The house fonts with their PANOSE class, family and pitch (from the DejaVu font files):
#: what Word substitutes by when neither the font nor an alternate name is installed.
_FONT_TABLE = (
    (house.BODY_FONTS, "020B0603030804020204", "swiss", "variable"),
    (house.MONO_FONTS, "020B0609030804020204", "modern", "fixed"),
)
_LIST_STYLES = tuple(f"{kind}{suffix}" for kind in ("List Bullet", "List Number", "List Continue")
                     for suffix in ("", " 2", " 3"))
_PAGE_FIELD_RE = re.compile(r"\{(page|pages)\}")
#: How python-docx and Word read a logo's pixels when the file names no resolution.
_PIXELS_PER_CM = 96 / 2.54
#: Between two logos on their line: one em space, as the HTML's margin is an em or so.
_LOGO_GAP = "\u2003"
_PAGE_FIELDS = {"page": "PAGE", "pages": "NUMPAGES"}


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
        self.last: Paragraph | None = None

    def add_paragraph(self) -> Paragraph:
        """A new empty paragraph at the end, remembered as the last one."""
        self.last = self.word.add_paragraph()
        return self.last

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
            run.font.name = house.MONO_FONTS[0]

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
        paragraph = self.add_paragraph()
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
        before = self.last
        for item in node.children:
            if not isinstance(item, _Node):
                continue
            first = self.blocks(item, kind + suffix, "List Continue" + suffix)
            if restart is not None and first is not None:
                self._number(first, restart)
        if self.last is not before:
            # Items are closer together than paragraphs; the list ends with a paragraph's space.
            self.last.paragraph_format.space_after = Pt(
                house.BODY_SIZE_PT * house.PARAGRAPH_SPACE)
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
        paragraph = self.add_paragraph()
        paragraph._p.style = self.style_id("macro")
        run = paragraph.add_run()
        for index, line in enumerate(text.split("\n")):
            if index:
                run.add_break()
            run.add_text(line)

    def rule(self) -> None:
        """A thematic break (---) as an empty paragraph with a bottom border."""
        paragraph = self.add_paragraph()
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
        self.add_paragraph()


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


def _pt(size: float) -> Pt:
    """A font size in points, rounded to the half points Word stores."""
    return Pt(round(size * 2) / 2)


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.removeprefix("#").upper())


def _set_font(rfonts: BaseOxmlElement, font: str) -> None:
    """One font for every script, so no theme font or East Asian default shows through."""
    for name in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{name}"), font)


def _drop_theme_fonts(word: WordDocument) -> None:
    """Remove the template's theme-font references (Cambria, Calibri): in Word a theme font
    wins over a named one, and styles nobody sets here should read DejaVu too."""
    for rfonts in list(word.styles.element.iter(qn("w:rFonts"))):
        for attribute in _THEME_FONT_ATTRIBUTES:
            rfonts.attrib.pop(attribute, None)
        if not rfonts.attrib:
            rfonts.getparent().remove(rfonts)


def _register_fonts(word: WordDocument) -> None:
    """Font-table entries, so Word without DejaVu picks the CSS fallbacks or a look-alike."""
    part = next(rel.target_part for rel in word.part.rels.values()
                if rel.reltype == RELATIONSHIP_TYPE.FONT_TABLE)
    table = parse_xml(part.blob)
    for fonts, panose, family, pitch in _FONT_TABLE:
        entry = OxmlElement("w:font")
        entry.set(qn("w:name"), fonts[0])
        for tag, value in (("altName", ", ".join(_named(fonts[1:]))), ("panose1", panose),
                           ("family", family), ("pitch", pitch)):
            child = OxmlElement(f"w:{tag}")
            child.set(qn("w:val"), value)
            entry.append(child)
        table.append(entry)
    # A plain part in python-docx (no XML API), so its bytes are replaced.
    part._blob = serialize_part_xml(table)


def _named(fonts: tuple[str, ...]) -> list[str]:
    """The font names, without CSS generic families (sans-serif), which Word does not know."""
    return [font for font in fonts if font not in _CSS_GENERIC_FAMILIES]


def _house_style(word: WordDocument) -> None:
    """Style the template's paragraph and character styles from the house style."""
    _drop_theme_fonts(word)
    _register_fonts(word)
    styles = word.styles
    defaults = styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _set_font(defaults.get_or_add_rFonts(), house.BODY_FONTS[0])
    defaults.get_or_add_color().val = _rgb(house.TEXT_COLOUR)
    defaults.sz_val = _pt(house.BODY_SIZE_PT)
    body = house.BODY_SIZE_PT

    normal = styles["Normal"].paragraph_format
    normal.space_before, normal.space_after = Pt(0), Pt(body * house.PARAGRAPH_SPACE)
    _line_height(normal, body * house.LINE_HEIGHT)

    for level in range(1, 7):
        heading = styles[f"Heading {level}"]
        heading.font.color.rgb = _rgb(house.TEXT_COLOUR)
        heading.font.italic = None
        shape = house.HEADINGS.get(level)
        if shape is None:
            continue
        size = body * shape.size
        heading.font.size = _pt(size)
        spacing = heading.paragraph_format
        spacing.space_before = Pt(size * shape.space_before)
        spacing.space_after = Pt(size * shape.space_after)
        _line_height(spacing, size * shape.line_height)

    for name in _LIST_STYLES:
        paragraph_format = styles[name].paragraph_format
        paragraph_format.space_after = Pt(body * house.ITEM_SPACE)
        # Word's "no space between paragraphs of the same style" would undo the item spacing.
        contextual = styles[name].element.pPr.find(qn("w:contextualSpacing"))
        if contextual is not None:
            contextual.getparent().remove(contextual)

    caption = styles["Caption"]
    caption.font.color.rgb = _rgb(house.TEXT_COLOUR)
    caption.font.size = _pt(body)
    caption.paragraph_format.keep_with_next = True  # a chart's caption stays with its list

    quote = styles["Quote"]
    quote.font.italic = None
    quote.font.color.rgb = _rgb(house.TEXT_COLOUR)
    quote.paragraph_format.left_indent = Pt(body)

    code = styles["macro"].font
    code.name, code.size = house.MONO_FONTS[0], _pt(body * house.MONO_SIZE)

    for name in ("Header", "Footer"):
        styles[name].font.size = _pt(house.MARGIN_SIZE_PT)
        styles[name].font.color.rgb = _rgb(house.MARGIN_COLOUR)
    styles["Footer"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.base_style = styles["Default Paragraph Font"]
    link.font.color.rgb = _rgb(house.LINK_COLOUR)
    link.font.underline = True
    link.unhide_when_used = True
    link.priority = 99


def _line_height(paragraph_format: ParagraphFormat, points: float) -> None:
    """The CSS line height as Word's "at least": a fixed height whatever font Word finds,
    which still grows for a larger run instead of clipping it."""
    paragraph_format.line_spacing = Pt(points)
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A field Word and LibreOffice compute (PAGE, NUMPAGES); "1" until they do."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _header_and_footer(word: WordDocument, document: Document, tag: str) -> None:
    """The title in the page header and "Sivu X / Y" (in the memo's language) in the footer."""
    section = word.sections[0]
    section.header.paragraphs[0].text = _XML_INVALID.sub("", document.title)
    footer = section.footer.paragraphs[0]
    footer.style = word.styles["Footer"]
    for index, part in enumerate(_PAGE_FIELD_RE.split(house.page_label(tag))):
        if index % 2:
            _field(footer, _PAGE_FIELDS[part])
        elif part:
            footer.add_run(part)


def _drop_stale_parts(word: WordDocument) -> None:
    """Drop the second copy of the template's styles that Word 2010 wrote for itself: still
    Cambria and blue, it would contradict the styles set here, and no reader needs it."""
    for rel_id, rel in list(word.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            word.part.drop_rel(rel_id)


def _funders(word: WordDocument, document: Document) -> None:
    """The logos last, in one paragraph: inline pictures with their alternative text in the
    drawing's description (and title), which Word's Alt Text and screen readers read."""
    if not document.logos:
        return
    section = word.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    paragraph = word.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(house.BODY_SIZE_PT * 2.5)
    paragraph.paragraph_format.keep_together = True
    for index, logo in enumerate(document.logos):
        if index:
            paragraph.add_run(_LOGO_GAP)
        height = Cm(min(logo.height / _PIXELS_PER_CM, house.LOGO_HEIGHT_CM))
        size = ({"height": height} if height * logo.width / logo.height <= text_width
                else {"width": text_width})
        inline = paragraph.add_run().add_picture(BytesIO(logo.data), **size)._inline
        alt = _XML_INVALID.sub("", logo.alt)
        inline.docPr.set("descr", alt)
        inline.docPr.set("title", alt)


def build_document(document: Document) -> WordDocument:
    """The memo as a python-docx Document, before it is saved."""
    tag = language_tag(document)
    word = docx.Document()
    _drop_stale_parts(word)
    _set_language(word, tag)
    _house_style(word)
    section = word.sections[0]
    section.page_width, section.page_height = (Cm(size) for size in house.PAGE_SIZE_CM)
    margins = house.MARGINS_CM
    section.top_margin, section.right_margin = Cm(margins.top), Cm(margins.right)
    section.bottom_margin, section.left_margin = Cm(margins.bottom), Cm(margins.left)
    _header_and_footer(word, document, tag)
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
    _funders(word, document)
    return word


def render(document: Document) -> bytes:
    """The memo as .docx bytes."""
    buffer = BytesIO()
    build_document(document).save(buffer)
    return buffer.getvalue()
