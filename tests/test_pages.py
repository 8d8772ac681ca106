"""Pages a person opens: index, petition, embed, count, health, errors."""

import os
from pathlib import Path

from conftest import ROOT, SLUG

from widget import create_app


def test_index_lists_open_petitions_with_counts_and_links(client, make_petition):
    make_petition(slug="draft-one", title="Not yet", status="draft")
    html = client.get("/").get_data(as_text=True)
    assert "Tell the Chicago City Council" in html
    assert f'href="/p/{SLUG}"' in html
    assert f'href="/p/{SLUG}/share"' in html
    assert "0 signatures" in html
    assert "Not yet" not in html


def test_full_page_shows_title_target_statement_form_and_eight_footnotes(client):
    html = client.get(f"/p/{SLUG}").get_data(as_text=True)
    assert (
        "<h1>Tell the Chicago City Council: Protect all immigrants from Trump’s hate</h1>" in html
    )
    assert "The petition to Chicago City Council reads:" in html
    assert "strengthening the Welcoming City Ordinance" in html
    assert "our friends at Mijente" in html
    for name in ("first_name", "last_name", "email", "postal_code", "optin_org"):
        assert f'name="{name}"' in html
    assert "You&#39;ll receive periodic updates" in html
    assert html.count('class="footnote-item"') == 8
    assert 'href="#fn1"' in html


def test_embed_is_compact_with_progress_and_no_background(client):
    html = client.get(f"/p/{SLUG}/embed").get_data(as_text=True)
    assert "<progress" in html
    assert "footnote-item" not in html
    assert 'rel="stylesheet"' not in html  # one request: the stylesheet is inline
    assert len(html.encode()) < 10_000


def test_each_render_carries_a_fresh_token(client):
    first = client.get(f"/p/{SLUG}/embed").get_data(as_text=True)
    second = client.get(f"/p/{SLUG}/embed").get_data(as_text=True)
    token = first.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert token not in second


def test_unknown_petition_gets_a_friendly_404(client):
    for url in ("/p/nope", "/p/nope/embed", "/p/nope/count.json", "/p/nope/thanks"):
        response = client.get(url)
        assert response.status_code == 404
    assert "could not find that petition" in client.get("/p/nope").get_data(as_text=True)


def test_draft_petition_is_not_public(client, make_petition):
    make_petition(slug="secret", status="draft")
    assert client.get("/p/secret").status_code == 404
    assert client.get("/p/secret/count.json").status_code == 404


def test_count_json_is_cors_open_and_briefly_cacheable(client, sign):
    sign()
    response = client.get(f"/p/{SLUG}/count.json")
    assert response.json == {"slug": SLUG, "count": 1, "goal": 10000}
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age=5" in response.headers["Cache-Control"]
    assert "stale-while-revalidate" in response.headers["Cache-Control"]


def test_healthz_checks_the_database(app, client, tmp_path):
    assert client.get("/healthz").json == {"status": "ok"}
    app.config["DATABASE"] = str(tmp_path / "missing-dir" / "widget.db")
    assert client.get("/healthz").status_code == 503


def test_method_not_allowed_is_a_page_with_allow(client):
    response = client.delete(f"/p/{SLUG}")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "does not accept" in response.get_data(as_text=True)


def test_share_page_escapes_the_title_in_its_snippets(client, make_petition):
    make_petition(slug="quotes", title='Say "no" to <b>this</b>')
    html = client.get("/p/quotes/share").get_data(as_text=True)
    assert "<b>this</b>" not in html
    assert (
        "Sign: Say &amp;#34;no&amp;#34; to &amp;lt;b&amp;gt;this" in html
    )  # escaped twice: in a textarea


def test_cached_blank_form_posts_back_to_each_request_own_url(client, db, sign):
    # The blank form is cached; its action must still carry each page's own campaign context.
    for source in ("first", "second"):
        html = client.get(f"/p/{SLUG}/embed?source={source}").get_data(as_text=True)
        assert f'action="/p/{SLUG}/embed?source={source}' in html
    assert sign(url=f"/p/{SLUG}/embed", query="?source=second").status_code == 303
    assert next(db.query("SELECT source FROM signatures"))["source"] == "second"


def test_apps_under_test_read_no_developer_settings(app, tmp_path):
    # Neither the checkout's instance/config.py nor a developer's FLASK_* variables.
    assert Path(app.instance_path) != ROOT / "instance"
    assert not (Path(app.instance_path) / "config.py").exists()
    assert not [name for name in os.environ if name.startswith("FLASK_")]
    assert "WEB_CONCURRENCY" not in os.environ and "GUNICORN_CMD_ARGS" not in os.environ
    # The folder create_app is given is the one it reads config.py from.
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "config.py").write_text('PUBLIC_URL = "https://from-config.example"\n')
    other = create_app({"SECRET_KEY": "k" * 32}, instance_path=tmp_path / "other")
    assert other.config["PUBLIC_URL"] == "https://from-config.example"
