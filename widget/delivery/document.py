"""Build a packet's document: what the cover says, and its HTML, streamed piece by piece."""

from dataclasses import dataclass

from flask import get_template_attribute
from flask_babel import gettext as _
from markupsafe import Markup

from ..store.db import utc_now
from ..web.page_cache import format_count
from . import layout
from .chart import day_chart
from .packet import OTHER, area_counts, day_counts, partner_names, signers

TEMPLATE = "delivery/packet.html"
PAPERS = {"letter": "Letter", "a4": "A4"}
AREA_COLUMNS = 3


def css_string(text):
    """Quote text as a CSS string for a margin box, safe inside <style> (no "<" or ">")."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '\\"<>&' or ord(char) < 32 else char for char in text
    )
    return Markup(f'"{escaped}"')  # noqa: S704 -- every character that could end it is escaped


@dataclass
class Packet:
    """Everything a packet shows apart from the signers themselves."""

    selection: object
    areas: list
    days: list
    partners: list
    generated_at: str
    cover_pages: int = 1

    @property
    def petition(self):
        return self.selection.petition

    @property
    def lang(self):
        return self.petition["lang"]

    @property
    def total(self):
        return sum(count for _, count in self.areas)

    @property
    def signer_pages(self):
        return layout.page_count(self.areas)

    @property
    def pages(self):
        return self.cover_pages + self.signer_pages

    def number(self, count):
        return format_count(count)

    def count_text(self, count):
        return _("%(num)s signatures", num=format_count(count))

    @property
    def total_text(self):
        return self.count_text(self.total)

    @property
    def date_range(self):
        first = self.selection.since or (self.days[0][0] if self.days else None)
        last = self.selection.until or (self.days[-1][0] if self.days else None)
        if first is None:
            return _("no signatures")
        return _("%(first)s and %(last)s", first=first.isoformat(), last=last.isoformat())

    @property
    def by_district(self):
        return self.selection.group_by == "district"

    @property
    def area_label(self):
        return _("District") if self.by_district else _("Postal code")

    @property
    def areas_heading(self):
        return _("Signatures per district") if self.by_district else _("Signatures per postal code")

    @property
    def area_rows(self):
        """Return the areas table's rows: three (area, count) pairs a row, filled down."""
        if not self.areas:  # nobody signed in the range: the cover says 0, with no table
            return []
        per_column = -(-len(self.areas) // AREA_COLUMNS)
        columns = [self.areas[i : i + per_column] for i in range(0, len(self.areas), per_column)]
        return [
            [column[i] if i < len(column) else None for column in columns]
            for i in range(per_column)
        ]

    def area_name(self, area):
        return _("Other") if area == OTHER else area

    @property
    def columns_line(self):
        labels = (_("First name"), _("Last name"), _("Postal code"), _("Date"))
        entry = " ".join(
            layout.fit(label, w) for label, w in zip(labels, layout.WIDTHS, strict=True)
        )
        return entry + " " * layout.GAP + entry

    @property
    def chart(self):
        return day_chart(self.days, _("Signatures per day"))

    @property
    def header_css(self):
        return css_string(self.petition["title"])

    @property
    def generated_css(self):
        return css_string(_("Generated %(when)s", when=self.generated_at))

    @property
    def page_css(self):
        text = _("Page %(page)s of %(pages)s", page="\0", pages=format_count(self.pages))
        return Markup(" counter(page) ").join(css_string(part) for part in text.split("\0"))


def make_packet(selection):
    """Count the selection's areas and days (filling the areas table the signers query uses)."""
    return Packet(
        selection,
        area_counts(selection),
        day_counts(selection),
        partner_names(selection),
        utc_now(),
    )


def macro(name):
    """Return one of the packet template's macros."""
    return get_template_attribute(TEMPLATE, name)


def html_start(packet, first_page=1, paper="letter"):
    """Return the document's head and opening tags, page numbering from first_page."""
    return macro("start")(packet, first_page, PAPERS[paper])


def cover_html(packet, paper="letter"):
    """Return the cover as a whole document (title, facts, chart, counts per area)."""
    return html_start(packet, 1, paper) + macro("cover")(packet) + macro("end")()


def pages_html(packet, pages, paper="letter"):
    """Return signer pages as a whole document, numbered from the first page's number."""
    pages = list(pages)
    return (
        html_start(packet, pages[0].number, paper)
        + macro("signer_pages")(packet, pages)
        + macro("end")()
    )


def write_html(out, packet, paper="letter", progress=None):
    """Write the whole packet as one HTML document, streaming the signers."""
    out.write(html_start(packet, 1, paper))
    out.write(macro("cover")(packet))
    first = packet.cover_pages + 1
    pages = layout.pages(signers(packet.selection), packet.areas, first)
    for page in pages:
        out.write(macro("signer_pages")(packet, [page]))
        if progress:
            progress(page.signers)
    out.write(macro("end")())
