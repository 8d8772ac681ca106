"""Lay out a packet's signer pages ourselves: fixed lines per page, two signers a line."""

import math
from dataclasses import dataclass

# One page's list fits the printable area of both Letter and A4 (the narrower width, the
# shorter height), so page numbers are known before anything is rendered: "Page 7 of 812"
# without laying out the whole packet first, and chunks can be rendered in parallel.
LINES_PER_PAGE = 66
COLUMNS = 2
PER_PAGE = LINES_PER_PAGE * COLUMNS
WIDTHS = (16, 19, 11, 10)  # first name, last name, postal code, date (monospace characters)
GAP = 2


@dataclass
class Page:
    """One signer page: its area, its number, whether the area goes on, and its lines."""

    area: str
    area_total: int
    number: int
    continued: bool
    lines: list
    signers: int


def fit(text, width):
    """Pad or cut text to width characters (a cut name ends with an ellipsis)."""
    text = " ".join(str(text).split())
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


def entry(row):
    """Return one signer as fixed-width text."""
    _, first, last, postal_code, day = row
    values = (first, last, postal_code, day)
    return " ".join(fit(value, width) for value, width in zip(values, WIDTHS, strict=True))


def page_count(areas):
    """Return how many signer pages the areas take (each area starts on a new page)."""
    return sum(math.ceil(count / PER_PAGE) for _, count in areas)


def pages(rows, areas, first_number):
    """Yield the signer pages of rows (grouped in the order of areas), numbered on."""
    totals = dict(areas)
    number, current, block = first_number, None, []

    def page():
        # Column-major: read down the left column, then the right.
        left, right = block[:LINES_PER_PAGE], block[LINES_PER_PAGE:]
        width = sum(WIDTHS) + len(WIDTHS) - 1
        lines = [
            (left[i].ljust(width) + " " * GAP + (right[i] if i < len(right) else "")).rstrip()
            for i in range(len(left))
        ]
        return Page(current, totals[current], number, continued, lines, len(block))

    continued = False
    for row in rows:
        if row[0] != current or len(block) == PER_PAGE:
            if block:
                yield page()
                number += 1
            continued = row[0] == current
            current, block = row[0], []
        block.append(entry(row))
    if block:
        yield page()
