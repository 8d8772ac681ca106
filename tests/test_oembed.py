"""oEmbed: our petition URLs answer as a rich iframe that credits the partner; pages link to it."""

import html
import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from conftest import SLUG, add_partner

BASE = "http://127.0.0.1:5000"  # PUBLIC_URL's default


def oembed(client, url, **args):
    query = "&".join(f"{name}={value}" for name, value in args.items())
    return client.get(f"/oembed?url={quote(url, safe='')}" + (f"&{query}" if query else ""))


def test_rich_answer_is_the_embed_iframe_with_the_urls_partner_and_source(app, client, sign):
    _snippet, key = add_partner(app)
    response = oembed(client, f"{BASE}/p/{SLUG}?partner={key}&source=wp", format="json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    answer = response.get_json()
    assert (answer["version"], answer["type"], answer["width"], answer["height"]) == (
        "1.0",
        "rich",
        640,
        900,
    )
    assert answer["title"].startswith("Tell the Chicago City Council")
    assert answer["provider_url"] == f"{BASE}/"
    src = re.search(r'<iframe src="([^"]+)"', answer["html"]).group(1)
    assert html.unescape(src) == f"{BASE}/p/{SLUG}/embed?partner={key}&source=wp"
    assert 'width="640" height="900"' in answer["html"]
    # The iframe it hands out signs for the partner.
    query = "?" + html.unescape(src).partition("?")[2]
    assert sign(url=f"/p/{SLUG}/embed", query=query).status_code == 303
    with app.app_context():
        from widget.store.db import get_db

        row = next(get_db().query("SELECT partner_id, source FROM signatures"))
    assert (row["partner_id"], row["source"]) == (1, "wp")


@pytest.mark.parametrize(
    ("args", "size"),
    [
        ({"maxwidth": "300"}, (300, 900)),
        ({"maxwidth": "2000", "maxheight": "500"}, (640, 500)),
        ({"maxwidth": "wide"}, (640, 900)),
    ],
)
def test_maxwidth_and_maxheight_are_never_exceeded(client, args, size):
    answer = oembed(client, f"{BASE}/p/{SLUG}", **args).get_json()
    assert (answer["width"], answer["height"]) == size
    assert f'width="{size[0]}" height="{size[1]}"' in answer["html"]
    assert f"max-width:{size[0]}px;height:{size[1]}px" in answer["html"]


def test_forged_partner_and_unsafe_source_are_dropped(client):
    answer = oembed(client, f"{BASE}/p/{SLUG}/embed?partner=forged.key&source=<x>").get_json()
    assert "forged" not in answer["html"]
    assert f'src="{BASE}/p/{SLUG}/embed?source=x"' in answer["html"]


@pytest.mark.parametrize(
    "url",
    [
        f"https://evil.example/p/{SLUG}",
        f"{BASE}/p/no-such-petition",
        f"{BASE}/p/{SLUG}/share",
        f"{BASE}/",
        "not a url",
        "",
    ],
)
def test_urls_not_ours_are_404(client, url):
    response = oembed(client, url)
    assert response.status_code == 404


def test_draft_petition_is_404(client, make_petition):
    make_petition(slug="secret", status="draft")
    assert oembed(client, f"{BASE}/p/secret").status_code == 404


def test_xml_is_501(client):
    assert oembed(client, f"{BASE}/p/{SLUG}", format="xml").status_code == 501


def test_petition_page_links_its_oembed_with_the_partner_from_the_page_cache(app, client):
    _snippet, key = add_partner(app)
    pattern = r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"'
    plain = re.search(pattern, client.get(f"/p/{SLUG}").get_data(as_text=True)).group(1)
    assert (
        html.unescape(plain)
        == f"{BASE}/oembed?url={quote(f'{BASE}/p/{SLUG}', safe='')}&format=json"
    )
    pages = len(app.extensions["widget.pages"])
    for _ in range(2):  # the second view is served from the cache
        page = client.get(f"/p/{SLUG}?partner={key}&source=blog").get_data(as_text=True)
        found = html.unescape(re.search(pattern, page).group(1))
        page_url = parse_qs(urlsplit(found).query)["url"]
        assert page_url == [f"{BASE}/p/{SLUG}?partner={key}&source=blog"]
    assert len(app.extensions["widget.pages"]) == pages + 1
    # Following the discovered link gives the partner's iframe.
    answer = client.get(found.removeprefix(BASE)).get_json()
    assert f"partner={key}&amp;source=blog" in answer["html"]
