"""Printable PDFs of one record (its fields and line grids) or of a list (rows and totals).

Text is set in reportlab's built-in CID font STSong-Light, which needs no font file and
renders Chinese and Latin alike; values are formatted in the reader's locale as on the
screen. Every page has the system and company names at the top and "page n of m" at
the bottom. Not for choosing what may be printed: the routes do that.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.hookspecs import ModelView, ViewField
from core.views.display import show
from core.views.exchange.fields import Field

FONT = "STSong-Light"
MARGIN = 15 * mm
WIDE_LIST = 6  # lists with more columns print in landscape
NUMERIC = frozenset({"number", "integer"})


def font() -> str:
    try:
        pdfmetrics.getFont(FONT)
    except KeyError:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _style(size: float, *, leading: float | None = None, align: int = 0) -> ParagraphStyle:
    return ParagraphStyle(
        f"tessera-{size}-{align}",
        fontName=font(),
        fontSize=size,
        leading=leading or size * 1.35,
        alignment=align,
        wordWrap="CJK",  # Chinese breaks between any two characters
    )


@dataclass(frozen=True)
class Page:
    """What every page shows besides the content: a header and the page numbers."""

    system: str
    company: str
    printed: str
    # "Page %(page)d / %(pages)d" already translated.
    numbering: str


def _numbered_canvas(page: Page):
    class NumberedCanvas(canvas.Canvas):
        """Draws the page count when it is known: after the last page, at save time."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            width, height = self._pagesize
            self.setFont(font(), 9)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawString(MARGIN, height - 10 * mm, page.system)
            self.drawRightString(width - MARGIN, height - 10 * mm, page.company)
            self.setStrokeColor(colors.HexColor("#BBBBBB"))
            self.line(MARGIN, height - 11.5 * mm, width - MARGIN, height - 11.5 * mm)
            self.drawString(MARGIN, 8 * mm, page.printed)
            self.drawRightString(
                width - MARGIN, 8 * mm, page.numbering % {"page": number, "pages": total}
            )

    return NumberedCanvas


def build(story: list, page: Page, *, wide: bool = False) -> bytes:
    """The PDF of ``story`` (reportlab flowables) on A4, every page with ``page``'s header,
    footer and "page n of m": also for the documents views print themselves."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4) if wide else A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 4 * mm,
        bottomMargin=MARGIN,
        title=page.system,
        author=page.system,
    )
    document.build(story, canvasmaker=_numbered_canvas(page))
    return buffer.getvalue()


def _markup(value: Any) -> str:
    """Text for a Paragraph, whose mini-markup must not see the user's < and &."""
    return escape(str(value or ""), quote=False)


def _text(value: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_markup(value).replace("\n", "<br/>"), style)


def _grid_style(header: bool = True, numeric_columns: Iterable[int] = ()) -> TableStyle:
    commands: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), font()),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#BBBBBB")),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")))
    commands += [("ALIGN", (c, 0), (c, -1), "RIGHT") for c in numeric_columns]
    return TableStyle(commands)


# --------------------------------------------------------------------------- one record


def record_pdf(
    page: Page,
    view: ModelView,
    title: str,
    fields: list[Field],
    values: dict[str, Any],
    record: Any,
    readable: Callable[[type], set[str]],
) -> bytes:
    """One record: its title, every field with its label, then its line grids."""
    label_style, value_style = _style(8), _style(9)
    story: list = [
        Paragraph(_markup(view.label), _style(10)),
        Paragraph(_markup(title), _style(16)),
        Spacer(1, 4 * mm),
    ]
    cells = [
        (_text(f.label, label_style), _text(show(values[f.name], f.spec), value_style))
        for f in fields
    ]
    rows = [
        [*cells[i], *(cells[i + 1] if i + 1 < len(cells) else ("", ""))]
        for i in range(0, len(cells), 2)
    ]
    if rows:
        width = A4[0] - 2 * MARGIN
        table = Table(rows, colWidths=[width * 0.15, width * 0.35] * 2)
        style = _grid_style(header=False)
        style.add("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F5F5F5"))
        style.add("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#F5F5F5"))
        table.setStyle(style)
        story.append(table)
    for grid in getattr(view, "lines", ()):
        story += _line_grid(grid, record, readable)
    return build(story, page)


def _line_grid(grid: Any, record: Any, readable: Callable[[type], set[str]]) -> list:
    """A document's lines (a LineGrid of the view) as a table with its totals."""
    specs: list[ViewField] = [*grid.fields, *grid.readonly]
    lines = list(getattr(record, grid.relation, None) or ())
    if not lines:
        return []
    model = type(lines[0])
    hidden = {c.key for c in model.__table__.columns} - readable(model)
    specs = [s for s in specs if s.name not in hidden]
    numeric = [i for i, s in enumerate(specs) if _is_number(lines, s.name)]
    rows: list[list[Any]] = [[_text(s.label, _style(8)) for s in specs]]
    style = _style(8)
    for line in lines:
        rows.append([_text(show(getattr(line, s.name, None), s), style) for s in specs])
    totals = [s.name for s in specs if s.name in grid.totals]
    if totals:
        rows.append(
            [
                _text(show(sum((getattr(x, s.name) or 0 for x in lines), Decimal(0)), s), style)
                if s.name in totals
                else ""
                for s in specs
            ]
        )
    table = Table(rows, repeatRows=1)
    table.setStyle(_grid_style(numeric_columns=numeric))
    return [Spacer(1, 6 * mm), Paragraph(_markup(grid.label), _style(11)), table]


def _is_number(lines: list, name: str) -> bool:
    return any(isinstance(getattr(line, name, None), Decimal | int) for line in lines)


# --------------------------------------------------------------------------- a list


def list_pdf(
    page: Page,
    title: str,
    summary: str,
    fields: list[Field],
    rows: Iterable[tuple[Any, dict[str, Any]]],
    measures: tuple[str, ...],
    totals_label: str,
) -> bytes:
    """A list: the chosen columns, one row per record, totals of the view's measures."""
    wide = len(fields) > WIDE_LIST
    width = (landscape(A4)[0] if wide else A4[0]) - 2 * MARGIN
    style = _style(8)
    numeric = [i for i, f in enumerate(fields) if f.kind in NUMERIC]
    weights = [1.0 if f.kind in NUMERIC | {"date", "boolean"} else 2.0 for f in fields]
    widths = [width * w / sum(weights) for w in weights] if fields else None
    table_rows: list[list[Any]] = [[_text(f.label, style) for f in fields]]
    sums = {name: Decimal(0) for name in measures if any(f.name == name for f in fields)}
    for _record, values in rows:
        table_rows.append(
            [
                show(values[f.name], f.spec)
                if f.kind in NUMERIC
                else _text(show(values[f.name], f.spec), style)
                for f in fields
            ]
        )
        for name in sums:
            sums[name] += values[name] or 0
    if sums and fields:
        table_rows.append(
            [
                show(sums[f.name], f.spec) if f.name in sums else (totals_label if i == 0 else "")
                for i, f in enumerate(fields)
            ]
        )
    story: list = [Paragraph(_markup(title), _style(16)), Paragraph(_markup(summary), _style(9))]
    story.append(Spacer(1, 4 * mm))
    table = Table(table_rows, colWidths=widths, repeatRows=1)
    grid_style = _grid_style(numeric_columns=numeric)
    if sums:
        grid_style.add("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F5F5F5"))
    table.setStyle(grid_style)
    story.append(table)
    return build(story, page, wide=wide)
