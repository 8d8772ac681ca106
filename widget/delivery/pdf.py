"""Render a packet as PDF with WeasyPrint: the cover, then signer pages in parallel chunks."""

import os
import tempfile
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from multiprocessing import get_context
from pathlib import Path

from . import layout
from .document import cover_html, pages_html
from .packet import signers

CHUNK_PAGES = 24  # pages per WeasyPrint document (see BENCHMARKS.md on its size)


class LayoutOverflow(Exception):
    """A chunk took more pages than planned: the page numbers would be wrong."""


def render_pdf(html, expected_pages=None):
    """Return html rendered as PDF bytes, checking it took the pages planned."""
    import weasyprint  # slow to import: only where a PDF is made

    document = weasyprint.HTML(string=html).render()
    if expected_pages is not None and len(document.pages) != expected_pages:
        raise LayoutOverflow(f"{len(document.pages)} pages where {expected_pages} were planned")
    return document.write_pdf()


def render_cover(packet, paper):
    """Return the cover as PDF bytes; packet.cover_pages says how many pages it took."""
    import weasyprint

    while True:
        document = weasyprint.HTML(string=cover_html(packet, paper)).render()
        if len(document.pages) == packet.cover_pages:
            return document.write_pdf()
        # "Page 1 of N" counts the cover's own pages: render again with the right total.
        packet.cover_pages = len(document.pages)


def chunks(packet, paper):
    """Yield (html, pages, signers) for each chunk of signer pages, streaming the rows."""
    pages = layout.pages(signers(packet.selection), packet.areas, packet.cover_pages + 1)
    while batch := list(islice(pages, CHUNK_PAGES)):
        yield pages_html(packet, batch, paper), len(batch), sum(p.signers for p in batch)


def write_pdf(path, packet, paper="letter", progress=None, jobs=None):
    """Write the packet as one PDF at path; progress(n) is called as signers are written."""
    from pypdf import PdfWriter

    with tempfile.TemporaryDirectory(prefix="packet-") as tmp:
        parts = [Path(tmp) / "0000.pdf"]
        parts[0].write_bytes(render_cover(packet, paper))
        if packet.signer_pages <= CHUNK_PAGES:  # one chunk: no worker processes to start
            for html, count, signed in chunks(packet, paper):
                parts.append(Path(tmp) / "0001.pdf")
                parts[-1].write_bytes(render_pdf(html, count))
                if progress:
                    progress(signed)
        else:
            write_chunks(tmp, parts, packet, paper, progress, jobs or min(os.cpu_count() or 1, 4))
        writer = PdfWriter()
        for part in parts:
            writer.append(str(part))
        writer.add_metadata({"/Title": packet.petition["title"], "/Creator": "Petition Widget"})
        with open(path, "wb") as out:
            writer.write(out)


def write_chunks(tmp, parts, packet, paper, progress, jobs):
    """Render the signer pages in worker processes, appending each chunk's file in order."""
    # Spawned, not forked: a child must not inherit the parent's SQLite connection.
    with ProcessPoolExecutor(jobs, mp_context=get_context("spawn")) as pool:
        pending = deque()
        for html, count, signed in chunks(packet, paper):
            pending.append((pool.submit(render_pdf, html, count), signed))
            # At most two chunks per worker in flight: memory stays bounded.
            while len(pending) > jobs * 2:
                parts.append(finish(tmp, len(parts), *pending.popleft(), progress))
        while pending:
            parts.append(finish(tmp, len(parts), *pending.popleft(), progress))


def finish(tmp, index, future, signed, progress):
    """Wait for one chunk, keep it in a file, and report its signers as done."""
    part = Path(tmp) / f"{index:04d}.pdf"
    part.write_bytes(future.result())
    if progress:
        progress(signed)
    return part
