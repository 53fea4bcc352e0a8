"""The quotation and sales order a salesperson sends (clause 5.1.2.1), as a PDF in the
language the print route was asked for (``?lang=zh_Hans_CN`` or ``en``).

The company's name, logo (system settings), address and contacts; the customer's name
and invoicing address; number, dates, validity, salesperson and the customer's
reference; every line with its unit, price, discount and tax; the untaxed amount, tax
and total; the order's note and the company's terms. Text is set in core's CID font
(Chinese and Latin alike), with the page count on every page. The order is read through
the reader's access like every other print; what it refers to (the customer's address)
is read through it too.
"""

from __future__ import annotations

import base64
import io
from datetime import date, timedelta
from decimal import Decimal
from html import escape
from typing import Any

from flask_babel import format_date
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, Paragraph, Spacer, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

from addons.sales.messages import _l
from addons.sales.models import QUOTATION_STATES, OrderState, SalesOrder, SalesSettings
from core.models import Company
from core.settings import LOGO, get_setting
from core.views.display import show
from core.views.exchange import pdf

WIDTH = A4[0] - 2 * pdf.MARGIN
LOGO_BOX = (45 * mm, 18 * mm)
DEFAULT_VALIDITY = 30

QUOTATION = _l("Quotation")
SALES_ORDER = _l("Sales order")
CANCELLED = _l("Cancelled")
NUMBER = _l("Number")
ORDER_DATE = _l("Date")
VALID_UNTIL = _l("Valid until")
CONFIRMED_ON = _l("Confirmed on")
SALESPERSON = _l("Salesperson")
CUSTOMER_REFERENCE = _l("Your reference")
CURRENCY = _l("Currency")
CUSTOMER = _l("Customer")
TAX_ID = _l("Tax ID")
PHONE = _l("Phone")
EMAIL = _l("E-mail")
COLUMNS = (
    _l("No."),
    _l("Description"),
    _l("Quantity"),
    _l("Unit"),
    _l("Unit price"),
    _l("Discount %"),
    _l("Tax rate"),
    _l("Amount"),
)
NUMERIC = frozenset({2, 4, 5, 6, 7})  # the columns of figures
UNTAXED = _l("Untaxed amount")
TAX = _l("Tax")
TOTAL = _l("Total")
NOTE = _l("Note")
TERMS = _l("Terms")
PAGE = _l("Page %(page)d / %(pages)d")
FOOTER = _l("%(title)s %(number)s")
LABELLED = _l("%(label)s: %(value)s")


def _style(size: float, *, bold: bool = False, align: int = 0) -> ParagraphStyle:
    return ParagraphStyle(
        f"sales-{size}-{bold}-{align}",
        fontName=pdf.font(),
        fontSize=size,
        leading=size * 1.4,
        alignment=align,
        wordWrap="CJK",
        textColor=colors.black if bold else colors.HexColor("#222222"),
    )


def _text(value: Any, size: float = 9, *, align: int = 0) -> Paragraph:
    """A paragraph of the user's text: escaped, its line breaks kept."""
    markup = escape(str(value if value is not None else ""), quote=False).replace("\n", "<br/>")
    return Paragraph(markup, _style(size, align=align))


def labelled(label: Any, value: Any) -> str:
    """ "Phone: 0571-…", with the colon of the reader's language (电话：0571-…)."""
    return str(LABELLED) % {"label": label, "value": value}


def unit_name(uom: Any) -> str:
    """A unit in the reader's language (products translate the standard ones)."""
    if uom is None:
        return ""
    return str(getattr(uom, "label", None) or uom.name)


def title_of(order: SalesOrder) -> Any:
    """A quotation until confirmed (also while on credit hold), then a sales order."""
    if order.state is OrderState.CANCELLED:
        return CANCELLED
    if order.state in (*QUOTATION_STATES, OrderState.HOLD):
        return QUOTATION
    return SALES_ORDER


def plain_quantity(quantity: Decimal) -> Decimal:
    """2.0000 -> 2, 2.5000 -> 2.5: a quantity as people write it."""
    if quantity == quantity.to_integral_value():
        return quantity.quantize(Decimal(1))
    return quantity.normalize()


def valid_until(session: Session, order: SalesOrder) -> date | None:
    """The last day a quotation holds (order date + the company's validity); None for an
    order already confirmed or a validity of 0 days (no limit)."""
    if order.state not in QUOTATION_STATES:
        return None
    days = session.scalar(
        select(SalesSettings.quotation_validity_days).where(
            SalesSettings.company_id == order.company_id
        )
    )
    days = DEFAULT_VALIDITY if days is None else days
    return order.order_date + timedelta(days=days) if days else None


def percent(rate: Decimal) -> str:
    """0.13 -> 13%, 0.065 -> 6.5%."""
    value = (rate * 100).normalize()
    return f"{value:f}%"


def _logo() -> Image | None:
    """The system's logo (a data: URI in the settings), fitted into the header's box."""
    uri = get_setting(LOGO)
    if not uri or "," not in uri:
        return None
    try:
        data = base64.b64decode(uri.split(",", 1)[1], validate=True)
        reader = ImageReader(io.BytesIO(data))
        width, height = reader.getSize()
    except (ValueError, OSError):
        return None
    scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
    return Image(io.BytesIO(data), width=width * scale, height=height * scale)


def _address_lines(address: Any) -> list[str]:
    if address is None:
        return []
    place = " ".join(part for part in (address.province, address.city, address.district) if part)
    lines = [address.street, address.street2, place, address.zip]
    return [line for line in lines if line]


def _customer(session: Session, access: Any, order: SalesOrder) -> list[str]:
    """The customer's name, invoicing address and contacts, as far as the reader may see."""
    partner_class = SalesOrder.customer.property.mapper.class_
    statement = select(partner_class).where(partner_class.id == order.customer_id)
    partner = session.scalar(access.restrict(statement, partner_class))
    if partner is None:
        return [f"#{order.customer_id}"]
    addresses = sorted(
        partner.addresses,
        key=lambda a: (a.kind.value != "invoice", not a.is_default, a.id),
    )
    lines = [partner.display_name, *_address_lines(addresses[0] if addresses else None)]
    if partner.tax_id:
        lines.append(labelled(TAX_ID, partner.tax_id))
    if partner.phone or partner.mobile:
        lines.append(labelled(PHONE, partner.phone or partner.mobile))
    if partner.email:
        lines.append(labelled(EMAIL, partner.email))
    return lines


def _header(company: Company | None, title: str) -> list:
    logo = _logo()
    lines = []
    if company is not None:
        lines = [company.address, company.phone and labelled(PHONE, company.phone)]
        lines += [company.email, company.tax_id and labelled(TAX_ID, company.tax_id)]
    about = [_text(company.name if company else "", 14)]
    about += [_text(line, 8) for line in lines if line]
    heading = Table(
        [[logo or "", about, _text(title, 20, align=2)]],
        colWidths=[LOGO_BOX[0] + 4 * mm, WIDTH * 0.5, None],
    )
    heading.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [heading, Spacer(1, 6 * mm)]


def _facts(session: Session, access: Any, order: SalesOrder) -> Table:
    """The customer on the left; number, dates, salesperson, reference on the right."""
    until = valid_until(session, order)
    facts = [
        (NUMBER, order.name),
        (ORDER_DATE, format_date(order.order_date, "long")),
        (VALID_UNTIL, format_date(until, "long") if until else None),
        (CONFIRMED_ON, show(order.confirmed_at) if order.confirmed_at else None),
        (SALESPERSON, order.salesperson.name if order.salesperson else None),
        (CUSTOMER_REFERENCE, order.client_reference),
        (CURRENCY, order.currency),
    ]
    right = Table(
        [[_text(label, 8), _text(value, 9)] for label, value in facts if value],
        colWidths=[28 * mm, None],
    )
    right.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TEXTCOLOR", (0, 0), (0, -1), colors.HexColor("#555555")),
            ]
        )
    )
    customer = _customer(session, access, order)
    left = [_text(CUSTOMER, 8), _text(customer[0], 11)] + [_text(line, 9) for line in customer[1:]]
    table = Table([[left, right]], colWidths=[WIDTH * 0.55, WIDTH * 0.45])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (0, 0), 0.25, colors.HexColor("#BBBBBB")),
            ]
        )
    )
    return table


def _lines(access: Any, order: SalesOrder) -> Table:
    units = access.can("products.uom.read")
    # Numbers, and their headings, are set flush right.
    rows: list[list[Any]] = [
        [_text(label, 8, align=2 if n in NUMERIC else 0) for n, label in enumerate(COLUMNS)]
    ]
    for number, line in enumerate(order.lines, start=1):
        rows.append(
            [
                str(number),
                _text(line.description, 8),
                show(plain_quantity(line.quantity)),
                _text(unit_name(line.uom) if units else "", 8),
                show(line.price_unit),
                show(line.discount) if line.discount else "",
                percent(line.tax_rate),
                show(line.subtotal),
            ]
        )
    totals = [(UNTAXED, order.amount_untaxed), (TAX, order.amount_tax), (TOTAL, order.amount_total)]
    first_total = len(rows)
    for label, amount in totals:
        rows.append(["", "", "", "", _text(label, 8, align=2), "", "", show(amount)])
    widths = [11 * mm, None, 18 * mm, 16 * mm, 22 * mm, 16 * mm, 16 * mm, 26 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), pdf.font()),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (2, 1), (2, -1), "RIGHT"),
                ("ALIGN", (4, 1), (-1, -1), "RIGHT"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                ("LINEBELOW", (0, 0), (-1, first_total - 1), 0.25, colors.HexColor("#BBBBBB")),
                *(("SPAN", (4, row), (6, row)) for row in range(first_total, len(rows))),
                ("LINEABOVE", (4, -1), (-1, -1), 0.75, colors.black),
                ("FONTSIZE", (-1, -1), (-1, -1), 10),
            ]
        )
    )
    return table


def _closing(session: Session, order: SalesOrder) -> list:
    terms = session.scalar(
        select(SalesSettings.quotation_terms).where(SalesSettings.company_id == order.company_id)
    )
    story: list = []
    for label, text in ((NOTE, order.note), (TERMS, terms)):
        if text:
            story += [Spacer(1, 5 * mm), _text(label, 9), _text(text, 8)]
    return story


def order_document(session: Session, access: Any, order: SalesOrder) -> bytes:
    """The order as the customer receives it (the view's ``print_document``)."""
    company = session.get(Company, order.company_id)
    title = str(title_of(order))
    page = pdf.Page(
        system=company.name if company is not None else "",
        company=f"{title} {order.name}",
        printed=str(FOOTER) % {"title": title, "number": order.name},
        numbering=str(PAGE),
    )
    story = [
        *_header(company, title),
        _facts(session, access, order),
        Spacer(1, 6 * mm),
        _lines(access, order),
        *_closing(session, order),
    ]
    return pdf.build(story, page)
