"""A real WordPress (Debian's): an Author's posts embed the widget with the plugin, credited."""

import base64
import json
import re
import subprocess
import sys
import urllib.request
import zipfile
from urllib.parse import quote

import pytest
from conftest import ROOT, SLUG, add_partner
from test_browser_embed import assert_fits_without_scrollbar, fill_and_sign, signatures

pytest_plugins = ["browser_fixtures", "wordpress_fixtures"]

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def publish(wordpress, title, content):
    """Publish a post as the Author through the REST API; return WordPress's answer."""
    login = base64.b64encode(":".join(wordpress.author).encode()).decode()
    request = urllib.request.Request(
        f"{wordpress.url}/?rest_route=/wp/v2/posts",
        data=json.dumps({"title": title, "content": content, "status": "publish"}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Basic {login}"},
        method="POST",
    )
    with NO_PROXY.open(request, timeout=30) as response:
        return json.load(response)


def rest_get(wordpress, route):
    """GET a REST route as the Author; return its JSON."""
    login = base64.b64encode(":".join(wordpress.author).encode()).decode()
    request = urllib.request.Request(
        f"{wordpress.url}/?rest_route={route}", headers={"Authorization": f"Basic {login}"}
    )
    with NO_PROXY.open(request, timeout=30) as response:
        return json.load(response)


def fetch(url):
    with NO_PROXY.open(url, timeout=30) as response:
        return response.read().decode()


def post_content(kind, base, snippet):
    """Return what the Author writes for each way of embedding a petition."""
    url = f"{base}/p/{SLUG}?source=wp-{kind}"
    return {
        "shortcode": (
            "<!-- wp:shortcode -->\n"
            f'[petition_widget slug="{SLUG}" source="wp-{kind}"]\n'
            "<!-- /wp:shortcode -->"
        ),
        # The classic editor: a link on a line of its own, between paragraphs.
        "url": f"Please sign.\n\n{url}\n\nThank you.",
        "embed-block": (
            f'<!-- wp:embed {{"url":"{url}"}} -->\n'
            f'<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\n{url}\n'
            "</div></figure>\n<!-- /wp:embed -->"
        ),
        "custom-html": f"<!-- wp:html -->\n{snippet}\n<!-- /wp:html -->",
        "synced-pattern": "",  # filled in by the test: the pattern's reference
    }[kind]


@pytest.fixture
def wordpress_site(wordpress, live_app):
    """Return (app, WordPress, snippet) with the plugin set to the live service and Mijente."""
    app, base = live_app
    _snippet, key = add_partner(app)
    with app.app_context():
        output = app.test_cli_runner().invoke(
            args=["partner", "snippet", "mijente", SLUG, "--source", "wp-custom-html"]
        )
    snippet = "\n".join(output.output.splitlines()[:2])
    wordpress.run("settings", service_url=base, partner_key=key)
    return app, wordpress, snippet


KINDS = ["shortcode", "url", "embed-block", "custom-html", "synced-pattern"]


@pytest.mark.parametrize("kind", KINDS)
def test_authors_post_shows_the_widget_that_resizes_signs_and_credits_the_partner(
    wordpress_site, live_app, browser_page, kind
):
    app, wordpress, snippet = wordpress_site
    content = post_content(kind, live_app[1], snippet)
    if kind == "synced-pattern":
        pattern_snippet = snippet.replace("wp-custom-html", "wp-synced-pattern")
        pattern = wordpress.run(
            "pattern", content=f"<!-- wp:html -->\n{pattern_snippet}\n<!-- /wp:html -->"
        )
        assert "<script" in pattern["content"]  # an administrator's, kept whole
        content = f'<!-- wp:block {{"ref":{pattern["id"]}}} /-->'
    post = publish(wordpress, f"Sign with us ({kind})", content)
    # WordPress's kses ran for the Author: a pasted <script> is gone, the link stays.
    assert "<script" not in post["content"]["raw"]
    page = browser_page
    page.goto(post["link"])
    page.locator("a.petition-widget").wait_for(state="hidden")  # the widget said it is ready
    assert page.locator("script[src$='/static/embed.js']").count() == 1
    frame_element = page.locator(f"iframe[src*='/p/{SLUG}/embed']")
    frame = frame_element.element_handle().content_frame()
    assert_fits_without_scrollbar(page)
    form_height = frame_element.evaluate("f => f.offsetHeight")
    fill_and_sign(frame, f"{kind}@example.org", optin_partner=True)
    page.wait_for_function(
        "([f, h]) => f.offsetHeight !== h", arg=[frame_element.element_handle(), form_height]
    )
    assert_fits_without_scrollbar(page)
    [row] = signatures(app)
    assert (row["partner"], row["source"], row["referrer"], row["optin_partner"]) == (
        "mijente",
        f"wp-{kind}",
        wordpress.url,
        1,
    )
    assert page.console_errors == []


def test_without_javascript_the_authors_pasted_snippet_still_credits(wordpress_site, chromium):
    app, wordpress, snippet = wordpress_site
    post = publish(wordpress, "Sign without scripts", post_content("custom-html", "", snippet))
    context = chromium.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(post["link"])
        page.get_by_role("link", name=re.compile("^Sign: Tell the Chicago")).click()
        fill_and_sign(page, "nojs@example.org")
    finally:
        context.close()
    [row] = signatures(app)
    assert (row["partner"], row["source"], row["referrer"]) == (
        "mijente",
        "wp-custom-html",
        wordpress.url,
    )


def test_embed_js_loads_only_on_posts_with_a_widget(wordpress_site):
    _app, wordpress, _snippet = wordpress_site
    post = publish(wordpress, "News", "No petition here, only a link to https://example.org/p/x.")
    assert "embed.js" not in fetch(post["link"])


def test_embed_blocks_preview_is_our_iframe_unsandboxed(wordpress_site, live_app):
    _app, wordpress, _snippet = wordpress_site
    base = live_app[1]
    url = f"{base}/p/{SLUG}?source=editor"
    # What the block editor asks when an Author pastes the link into an Embed block.
    answer = rest_get(wordpress, f"/oembed/1.0/proxy&url={quote(url, safe='')}")
    assert answer["type"] == "rich"
    assert answer["provider_url"] == f"{base}/"
    assert f'src="{base}/p/{SLUG}/embed?source=editor"' in answer["html"]
    # A registered provider is trusted: no allow-scripts-only sandbox, so the form can send.
    assert "sandbox" not in answer["html"]


@pytest.mark.parametrize(
    "content",
    [
        """[petition_widget slug='x"><script>alert(1)</script>' source='"><b>']""",
        """[petition_widget slug="chicago-welcoming-city" lang='es" onmouseover="alert(1)']""",
    ],
)
def test_shortcode_output_is_escaped(wordpress_site, content):
    _app, wordpress, _snippet = wordpress_site
    html = wordpress.run("render", content=content)["html"]
    link = r'<a class="petition-widget" href="[^"<>]+">Sign the petition</a>'
    assert re.fullmatch(rf"\s*(<p>)?{link}(</p>)?\s*", html), html


def test_shortcode_without_a_slug_shows_visitors_nothing(wordpress_site):
    _app, wordpress, _snippet = wordpress_site
    assert wordpress.run("render", content="[petition_widget]")["html"].strip() == ""


def test_administrator_sets_the_service_and_key_on_the_settings_page(
    wordpress_site, live_app, browser_page
):
    _app, wordpress, _snippet = wordpress_site
    key = wordpress.run("settings")["partner_key"]
    page = browser_page
    # The admin's styles and scripts are dozens of requests to one small PHP server; the
    # settings form works without them.
    page.route(
        re.compile(r"/wp-(admin|includes)/.*\.(css|js|png|svg|woff2?)|load-(styles|scripts)\.php"),
        lambda route: route.abort(),
    )
    page.goto(f"{wordpress.url}/wp-login.php")
    page.get_by_label("Username or Email Address").fill("admin")
    page.get_by_label("Password", exact=True).fill(wordpress.admin_password)
    page.get_by_role("button", name="Log In").click()
    page.wait_for_url("**/wp-admin/**")
    page.goto(f"{wordpress.url}/wp-admin/options-general.php?page=petition-widget")
    page.get_by_label("Service URL").fill("javascript:alert(1)")
    page.get_by_label("Partner key").fill('bad"key')
    page.get_by_role("button", name="Save Changes").click()
    page.get_by_text("The service URL must start with https://").wait_for()
    page.get_by_text("A partner key has only letters").wait_for()
    assert wordpress.run("settings") == {"service_url": "", "partner_key": ""}
    page.get_by_label("Service URL").fill(live_app[1] + "/")
    page.get_by_label("Partner key").fill(f" {key} ")
    page.get_by_role("button", name="Save Changes").click()
    page.get_by_text("Settings saved.").wait_for()
    assert wordpress.run("settings") == {"service_url": live_app[1], "partner_key": key}


def test_plugin_zip_is_installable_with_wordpress_headers(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from build_wordpress_plugin import build
    finally:
        sys.path.pop(0)
    build(tmp_path / "petition-widget.zip")
    with zipfile.ZipFile(tmp_path / "petition-widget.zip") as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path)
        readme = archive.read("petition-widget/readme.txt").decode()
        main = archive.read("petition-widget/petition-widget.php").decode()
    assert {"petition-widget/petition-widget.php", "petition-widget/readme.txt"} <= names
    assert all(name.startswith("petition-widget/") for name in names)
    assert readme.startswith("=== Petition Widget ===\n")
    for header in ("Stable tag: 0.1.0", "License: GPLv2 or later", "== Description =="):
        assert header in readme
    for header in ("Plugin Name:       Petition Widget", "License:           GPL-2.0-or-later"):
        assert header in main
    for path in (tmp_path / "petition-widget").rglob("*.php"):
        lint = subprocess.run(["php", "-l", str(path)], capture_output=True, text=True, timeout=30)
        assert lint.returncode == 0, lint.stdout + lint.stderr
