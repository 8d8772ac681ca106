"""The delivery packet: PDF, HTML and CSV from thousands of generated signatures."""

import csv
import re
import subprocess

import pytest
from conftest import SLUG
from generated import generate_signatures

# Wards for most of the codes; 60699 and 99999 are mapped to none, so they go to "Other".
WARDS = {"60601": "Ward 2", "60602": "Ward 2", "60603": "Ward 10", "60604": "Ward 25"}
CODES = {"60601": 30, "60602": 20, "60603": 25, "60604": 20, "60699": 4, "99999": 1}


@pytest.fixture
def signed(app, db):
    """Return the emails of 3,000 counted signatures of the demo petition, over 30 days."""
    petition_id = db.execute("SELECT id FROM petitions WHERE slug = ?", [SLUG]).fetchone()[0]
    return generate_signatures(db, petition_id, 3000, CODES)


@pytest.fixture
def districts(tmp_path):
    """Return a districts CSV (postal_code,district) with a header row."""
    path = tmp_path / "wards.csv"
    path.write_text("postal_code,district\n" + "".join(f"{c},{w}\n" for c, w in WARDS.items()))
    return path


def expected_areas(db, mapping=None):
    """Count counted signatures per area straight from the table."""
    counts = {}
    for code, n in db.execute(
        "SELECT postal_code, count(*) FROM signatures WHERE status = 'counted' GROUP BY 1"
    ):
        area = (mapping or {}).get(code, "Other") if mapping is not None else code
        counts[area] = counts.get(area, 0) + n
    return counts


def pdf_text(path):
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def pdf_info(path):
    out = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def test_pdf_packet_by_district_has_title_total_each_count_and_no_email(
    runner, db, signed, districts, tmp_path
):
    out = tmp_path / "packet.pdf"
    result = runner.invoke(
        args=[
            "delivery",
            SLUG,
            "-o",
            str(out),
            "--group-by",
            "district",
            "--districts",
            str(districts),
        ]
    )
    assert result.exit_code == 0, result.output
    text = pdf_text(out)
    flat = " ".join(text.split())
    assert "Tell the Chicago City Council" in flat
    assert "3,000 signatures" in flat
    areas = expected_areas(db, WARDS)
    assert set(areas) == {"Ward 2", "Ward 10", "Ward 25", "Other"}
    for area, count in areas.items():
        assert f"District: {area} · {count:,} signatures" in flat, area
    assert "@" not in text and not any(email in text for email in signed[:50])
    # Every page is numbered out of the total, which the PDF really has.
    pages = int(pdf_info(out)["Pages"])
    assert f"Page {pages} of {pages}" in flat
    assert len(re.findall(r"Page \d+ of " + str(pages), flat)) == pages
    # Every signer is listed: one line with a date per signer (two signers a line).
    assert len(re.findall(r"\b2026-1[01]-\d\d\b", text)) >= 3000


@pytest.mark.parametrize("paper, size", [("letter", "612 x 792"), ("a4", "595.276 x 841.89")])
def test_pdf_packet_prints_on_letter_and_a4(runner, db, signed, tmp_path, paper, size):
    out = tmp_path / "packet.pdf"
    result = runner.invoke(args=["delivery", SLUG, "-o", str(out), "--paper", paper])
    assert result.exit_code == 0, result.output
    assert pdf_info(out)["Page size"].strip().startswith(size)
    flat = " ".join(pdf_text(out).split())
    for code, count in expected_areas(db).items():
        assert f"Postal code: {code} · {count:,} signatures" in flat


def test_html_packet_is_the_same_document_without_emails(runner, db, signed, tmp_path):
    out = tmp_path / "packet.html"
    result = runner.invoke(args=["delivery", SLUG, "-o", str(out), "--format", "html"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<svg" in html and "3,000 signatures" in html and "@page" in html
    assert "@example" not in html and not re.search(r"signer\d", html)
    for code, count in expected_areas(db).items():
        assert f"Postal code: {code} · {count:,} signatures" in html


def test_csv_has_one_row_per_district_with_unmapped_codes_in_other(
    runner, db, signed, districts, tmp_path
):
    out = tmp_path / "areas.csv"
    result = runner.invoke(
        args=["delivery", SLUG, "-o", str(out), "--format", "csv", "--districts", str(districts)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["district", "signatures"]
    assert {area: int(n) for area, n in rows[1:]} == expected_areas(db, WARDS)
    assert [area for area, _ in rows[1:]] == ["Ward 2", "Ward 10", "Ward 25", "Other"]


def test_since_and_until_keep_whole_days(runner, db, signed, tmp_path):
    out = tmp_path / "areas.csv"
    args = ["delivery", SLUG, "-o", str(out), "--format", "csv"]
    result = runner.invoke(args=[*args, "--since", "2026-10-05", "--until", "2026-10-06"])
    assert result.exit_code == 0, result.output
    total = sum(int(n) for _, n in list(csv.reader(out.read_text().splitlines()))[1:])
    expected = db.execute(
        "SELECT count(*) FROM signatures WHERE created_at >= '2026-10-05'"
        " AND created_at < '2026-10-07'"
    ).fetchone()[0]
    assert 0 < total == expected


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--group-by", "district"], "needs --districts"),
        (["--since", "2026-10-09", "--until", "2026-10-01"], "--since must not be after"),
        (["--since", "yesterday"], "Invalid value for '--since'"),
    ],
)
def test_bad_options_get_a_clear_answer_and_write_nothing(runner, app, tmp_path, extra, message):
    out = tmp_path / "packet.pdf"
    result = runner.invoke(args=["delivery", SLUG, "-o", str(out), *extra])
    assert result.exit_code != 0 and message in result.output
    assert not out.exists()


def test_unknown_petition_and_bad_districts_file_are_refused(runner, app, tmp_path):
    out = tmp_path / "packet.pdf"
    result = runner.invoke(args=["delivery", "nope", "-o", str(out)])
    assert result.exit_code == 1 and "no petition 'nope'" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("60601\n")
    result = runner.invoke(args=["delivery", SLUG, "-o", str(out), "--districts", str(bad)])
    assert result.exit_code == 1 and "expected postal_code,district" in result.output
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["pdf", "html", "csv"])
def test_a_range_nobody_signed_in_gives_a_packet_of_none(runner, db, signed, tmp_path, fmt):
    """Before anyone signed (or a range with no one), the packet says 0 instead of failing."""
    out = tmp_path / f"packet.{fmt}"
    args = ["delivery", SLUG, "-o", str(out), "--format", fmt, "--since", "2030-01-01"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "0 signatures in 0 areas" in result.output
    text = pdf_text(out) if fmt == "pdf" else out.read_text()
    if fmt == "csv":
        assert text.splitlines() == ["postal_code,signatures"]
    else:
        assert "0 signatures" in text and "Signatures per postal code" not in text


def test_the_chart_labels_each_whole_number_once():
    """A peak of 1 has no half: the axis reads 0 and 1, not 0, 0 and 1."""
    from datetime import date

    from widget.delivery.chart import day_chart

    labels = re.findall(r'text-anchor="end">(\d+)</text>', day_chart([(date(2026, 10, 1), 1)], ""))
    assert labels == ["0", "1"]
    labels = re.findall(r'text-anchor="end">(\d+)</text>', day_chart([(date(2026, 10, 1), 8)], ""))
    assert labels == ["0", "4", "8"]


def test_a_zip_plus_4_or_full_postcode_falls_back_to_the_code_before_it(
    runner, db, signed, districts, tmp_path
):
    """60601-1234 and "60603 0001" are in the wards of 60601 and 60603; 60699-1 stays Other."""
    for code in ("60601-1234", "60603 0001", "60699-0001"):
        db.execute(
            "UPDATE signatures SET postal_code = ? WHERE id = (SELECT min(id) FROM signatures"
            " WHERE postal_code = ?)",
            [code, code[:5]],
        )
    before = {area: n for area, n in expected_areas(db, WARDS).items()}
    out = tmp_path / "areas.csv"
    args = ["delivery", SLUG, "-o", str(out), "--format", "csv", "--districts", str(districts)]
    assert runner.invoke(args=args).exit_code == 0
    got = {area: int(n) for area, n in list(csv.reader(out.read_text().splitlines()))[1:]}
    # Counted straight from the table, the first two went to Other; the packet puts them back.
    assert got == {
        **before,
        "Ward 2": before["Ward 2"] + 1,
        "Ward 10": before["Ward 10"] + 1,
        "Other": before["Other"] - 2,
    }
