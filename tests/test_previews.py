"""Link previews: Open Graph and Twitter cards, generated cards, descriptions, the favicon."""

import io
import re
from html.parser import HTMLParser

import pytest
from conftest import MISSING_PAGE, PAGES, SLUG
from PIL import Image

from widget.store.db import get_db


class Meta(HTMLParser):
    """Collect a page's <meta> values by property or name, and its <link>s."""

    def __init__(self, html):
        super().__init__()
        self.values, self.links = {}, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            key = attrs.get("property") or attrs["name"]
            self.values.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link":
            self.links.append(attrs)


def meta(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return Meta(response.get_data(as_text=True))


def test_petition_page_describes_itself_for_link_previews_in_its_language(client):
    page = meta(client, f"/p/{SLUG}?lang=es&source=share-x&ref={'A' * 16}").values
    assert page["og:title"] == [page["twitter:title"][0]]
    assert page["og:title"][0].startswith("Dile al Concejo Municipal de Chicago")
    assert page["og:description"][0].startswith("Protejan a todos los inmigrantes")
    assert page["og:url"] == [f"http://127.0.0.1:5000/p/{SLUG}?lang=es"]  # no ref, no source
    assert page["og:locale"] == ["es_ES"] and page["og:locale:alternate"] == ["en_US"]
    assert page["twitter:card"] == ["summary_large_image"]
    image = page["og:image"][0]
    assert image.startswith(f"http://127.0.0.1:5000/p/{SLUG}/card.png?lang=es&v=")
    assert page["description"] == page["og:description"]
    english = meta(client, f"/p/{SLUG}").values
    assert english["og:url"] == [f"http://127.0.0.1:5000/p/{SLUG}"]
    assert english["og:locale"] == ["en_US"]


def test_generated_card_is_a_png_per_language_drawn_once(app, client, tmp_path):
    english = client.get(f"/p/{SLUG}/card.png?lang=en")
    spanish = client.get(f"/p/{SLUG}/card.png?lang=es")
    for response in (english, spanish):
        assert response.status_code == 200 and response.mimetype == "image/png"
        assert "max-age" in response.headers["Cache-Control"]
        assert Image.open(io.BytesIO(response.data)).size == (1200, 630)
    assert english.data != spanish.data
    cards = sorted(path.name for path in (tmp_path / "cards").iterdir())
    assert cards == [f"{SLUG}.en.2.png", f"{SLUG}.es.2.png"]
    (tmp_path / "cards" / cards[0]).write_bytes(b"cached")  # served from the cache from now on
    assert client.get(f"/p/{SLUG}/card.png?lang=en").data == b"cached"
    with app.app_context():  # an edit bumps the revision: a new card replaces the old one
        db = get_db()
        with db.conn:
            db.execute("UPDATE petitions SET title = 'New title' WHERE slug = ?", [SLUG])
    assert client.get(f"/p/{SLUG}/card.png?lang=en").data != b"cached"
    cards = sorted(path.name for path in (tmp_path / "cards").iterdir())
    assert cards == [f"{SLUG}.en.3.png", f"{SLUG}.es.2.png"]
    assert client.get("/p/no-such-petition/card.png").status_code == 404


def test_an_image_from_the_front_matter_is_served_from_our_origin(make_app, tmp_path):
    folder = tmp_path / "petitions"
    folder.mkdir()
    buffer = io.BytesIO()
    Image.new("RGB", (600, 315), "#123456").save(buffer, "PNG")
    (folder / "rally.png").write_bytes(buffer.getvalue())
    (folder / "rally.md").write_text(
        '+++\nslug = "rally"\ntitle = "Rally"\nstatement = "Come."\nimage = "rally.png"\n+++\n'
    )
    client = make_app(PETITIONS_DIR=str(folder)).test_client()
    page = meta(client, "/p/rally").values
    assert page["og:image"][0].startswith("http://127.0.0.1:5000/p/rally/image?v=")
    assert "og:image:width" not in page
    response = client.get("/p/rally/image")
    assert response.status_code == 200 and response.data == buffer.getvalue()
    response.close()


@pytest.mark.parametrize(
    ("image", "problem"),
    [
        ("../secret.png", "image must be"),
        ("img/../../secret.png", "image must be"),
        ("/etc/passwd.png", "image must be"),
        ("missing.png", "is not a file beside it"),
        ("notes.txt", "image must be"),
    ],
)
def test_a_bad_image_in_the_front_matter_is_refused_on_load(app, tmp_path, image, problem):
    path = tmp_path / "bad.md"
    path.write_text(f'+++\nslug = "bad"\ntitle = "Bad"\nimage = "{image}"\n+++\n')
    result = app.test_cli_runner().invoke(args=["petition", "load", str(path)])
    assert result.exit_code != 0 and problem in result.output


@pytest.mark.parametrize("path", [*PAGES, MISSING_PAGE])
def test_every_page_has_a_description(client, path):
    page = Meta(client.get(path).get_data(as_text=True))
    [description] = page.values["description"]
    assert 20 <= len(description) <= 200


def test_favicon_is_ours_and_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/x-icon"
    assert Image.open(io.BytesIO(response.data)).format == "ICO"
    links = Meta(client.get(f"/p/{SLUG}").get_data(as_text=True)).links
    assert {"rel": "icon", "href": "/static/favicon.svg", "type": "image/svg+xml"} in links
    with client.get("/static/favicon.svg") as svg:
        assert svg.status_code == 200 and re.match(rb"<svg ", svg.data)
