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
