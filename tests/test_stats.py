"""stats.json: counted signatures per area and per day, never an area under the minimum."""

import pytest
from conftest import SLUG
from generated import generate_signatures
from hypothesis import given
from hypothesis import strategies as st

from widget.delivery.stats import merge_small


def petition_id(db, slug=SLUG):
    return db.execute("SELECT id FROM petitions WHERE slug = ?", [slug]).fetchone()[0]


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(1, 40)), st.integers(1, 30))
def test_no_group_is_ever_under_the_minimum_and_nothing_is_lost(counts, minimum):
    shown = merge_small(counts, minimum)
    assert all(n >= minimum for _, n in shown)
    assert len({area for area, _ in shown}) == len(shown)
    total = sum(counts.values())
    # Either every signature is accounted for, or (all together under the minimum) none shown.
    assert sum(n for _, n in shown) == total or (shown == [] and total < minimum)


def test_stats_merge_small_areas_and_a_small_other_takes_the_next_smallest(make_app):
    app = make_app(COUNT_CACHE_SECONDS=0)
    client = app.test_client()
    with app.app_context():
        from widget.store.db import get_db

        db = get_db()
        # 60601 is big, 60602 just over the minimum, 60603 and 60604 tiny: merged they are 3,
        # an "other" of 3 would show a tiny group, so 60602 joins it.
        for code, n in {"60601": 50, "60602": 12, "60603": 2, "60604": 1}.items():
            generate_signatures(db, petition_id(db), n, {code: 1}, seed=n)
    with client.get(f"/p/{SLUG}/stats.json") as response:
        body = response.get_json()
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "max-age=0" in response.headers["Cache-Control"]
        etag = response.headers["ETag"]
    assert body["postal_codes"] == [
        {"postal_code": "60601", "signatures": 50},
        {"postal_code": "other", "signatures": 15},
    ]
    assert body["count"] == 65 and body["min_group"] == 10
    assert sum(day["signatures"] for day in body["days"]) == 65
    with client.get(f"/p/{SLUG}/stats.json", headers={"If-None-Match": etag}) as response:
        assert response.status_code == 304


def test_stats_of_thousands_show_no_small_area_and_follow_the_count(app, client, db):
    codes = {f"606{n:02d}": n for n in range(1, 40)} | {"99999": 0.2, "10001": 0.3}
    generate_signatures(db, petition_id(db), 3000, codes)
    with client.get(f"/p/{SLUG}/stats.json") as response:
        body = response.get_json()
        assert response.headers["Cache-Control"].startswith("public, max-age=5")
    areas = body["postal_codes"]
    assert areas and all(area["signatures"] >= 10 for area in areas)
    assert sum(area["signatures"] for area in areas) == 3000 == body["count"]
    assert "99999" not in {area["postal_code"] for area in areas}
    assert areas[-1]["postal_code"] == "other"


def test_a_petition_under_the_minimum_shows_no_area(app, client, db):
    generate_signatures(db, petition_id(db), 7, {"60601": 1})
    with client.get(f"/p/{SLUG}/stats.json") as response:
        body = response.get_json()
    assert body["postal_codes"] == [] and body["count"] == 7


@pytest.mark.parametrize("slug", ["nope", "draft-one"])
def test_unknown_and_draft_petitions_are_404(app, client, make_petition, slug):
    make_petition(slug="draft-one", status="draft")
    with client.get(f"/p/{slug}/stats.json") as response:
        assert response.status_code == 404


def top_areas_line(html):
    """Return the text of the page's top-areas line, or None when it shows none."""
    import re

    match = re.search(r'<p class="top-areas">(.*?)</p>', html, re.S)
    return (
        re.sub(r"\s+", " ", re.sub("<[^>]+>", "", match[1])).replace("&nbsp;", " ")
        if match
        else None
    )


def test_the_petition_page_lists_its_top_areas_never_a_small_one(make_app, sign):
    app = make_app(COUNT_CACHE_SECONDS=0, STATS_TOP_AREAS=2)
    client = app.test_client()
    page = client.get(f"/p/{SLUG}").get_data(as_text=True)
    assert top_areas_line(page) is None  # nobody yet: no line at all
    with app.app_context():
        from widget.store.db import get_db

        db = get_db()
        for code, n in {"60601": 1200, "60602": 15, "60603": 12, "60604": 9}.items():
            generate_signatures(db, petition_id(db), n, {code: 1}, seed=n)
    page = client.get(f"/p/{SLUG}").get_data(as_text=True)
    assert top_areas_line(page) == "Most signatures by postal code: 60601 (1,200), 60602 (15)"
    spanish = client.get(f"/p/{SLUG}?lang=es").get_data(as_text=True)
    assert top_areas_line(spanish) == "Más firmas por código postal: 60601 (1.200), 60602 (15)"
    # A new signature shows at once (the page itself is cached; the line is a slot).
    with app.app_context():
        generate_signatures(get_db(), petition_id(get_db()), 5, {"60603": 1}, seed=99)
    page = client.get(f"/p/{SLUG}").get_data(as_text=True)
    assert top_areas_line(page) == "Most signatures by postal code: 60601 (1,200), 60603 (17)"
    # Never in the widget a partner frames, and 0 lists none.
    assert top_areas_line(client.get(f"/p/{SLUG}/embed").get_data(as_text=True)) is None
    off = make_app(COUNT_CACHE_SECONDS=0, STATS_TOP_AREAS=0).test_client()
    assert top_areas_line(off.get(f"/p/{SLUG}").get_data(as_text=True)) is None


def test_a_petition_page_rendered_outside_the_cache_shows_its_top_areas_too(make_app, db):
    """A closed petition's page is rendered afresh, not from the page cache: same line."""
    app = make_app(COUNT_CACHE_SECONDS=0)
    with app.app_context():
        from widget.store.db import get_db

        generate_signatures(get_db(), petition_id(get_db()), 30, {"60601": 1})
        get_db().execute("UPDATE petitions SET status = 'closed' WHERE slug = ?", [SLUG])
    page = app.test_client().get(f"/p/{SLUG}").get_data(as_text=True)
    assert top_areas_line(page) == "Most signatures by postal code: 60601 (30)"


def test_stats_follow_a_withdrawal_and_a_signature_that_leave_the_count_as_it_was(make_app):
    """One signer gone in 60601, one new in 60602: same count, different areas."""
    app = make_app(COUNT_CACHE_SECONDS=0)
    client = app.test_client()
    with app.app_context():
        from widget.store.db import get_db

        db = get_db()
        for code, n in {"60601": 20, "60602": 15}.items():
            generate_signatures(db, petition_id(db), n, {code: 1}, seed=n)

    def areas():
        with client.get(f"/p/{SLUG}/stats.json") as response:
            return {a["postal_code"]: a["signatures"] for a in response.get_json()["postal_codes"]}

    assert areas() == {"60601": 20, "60602": 15}
    with app.app_context():
        db = get_db()
        db.execute("DELETE FROM signatures WHERE id = (SELECT min(id) FROM signatures)")
        generate_signatures(db, petition_id(db), 1, {"60602": 1}, seed=3)
    assert areas() == {"60601": 19, "60602": 16}
    # A signature corrected by hand to another postal code moves too.
    with app.app_context():
        get_db().execute(
            "UPDATE signatures SET postal_code = '60601'"
            " WHERE id = (SELECT max(id) FROM signatures)"
        )
    assert areas() == {"60601": 20, "60602": 15}
