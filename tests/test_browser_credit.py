"""Every way of pasting the widget credits the partner: today's snippet, the old one, an iframe."""

from conftest import SLUG, add_partner
from test_browser_embed import fill_and_sign, partner_html, signatures, widget_frame

pytest_plugins = ["browser_fixtures"]


def test_the_link_alone_carries_partner_source_and_language(live_app, partner_site, browser_page):
    app, base = live_app
    _snippet, key = add_partner(app)
    snippet = (
        f'<a class="petition-widget" href="{base}/p/{SLUG}?partner={key}&amp;source=url'
        f'&amp;lang=es">Firma</a>\n<script async src="{base}/static/embed.js"></script>'
    )
    page = browser_page
    page.goto(partner_site("/url", partner_html(snippet)))
    page.locator("a.petition-widget").wait_for(state="hidden")
    frame = widget_frame(page)
    assert frame.locator("html").get_attribute("lang") == "es"
    frame.get_by_label("Nombre", exact=True).fill("Ana")
    frame.get_by_label("Apellido", exact=True).fill("García")
    frame.get_by_label("Correo electrónico", exact=True).fill("url@example.org")
    frame.get_by_label("Código postal", exact=True).fill("60608")
    frame.get_by_role("button", name="Firma la petición").click()
    frame.get_by_role("heading", name="Gracias por firmar").wait_for()
    page.wait_for_function("window.signed.length === 1")
    assert page.evaluate("window.signed") == [{"slug": SLUG, "partner": key}]
    [row] = signatures(app)
    assert (row["partner"], row["source"], row["lang"], row["referrer"]) == (
        "mijente",
        "url",
        "es",
        partner_site.origin,
    )


def test_yesterdays_snippet_with_data_attributes_still_credits(
    live_app, partner_site, browser_page
):
    app, base = live_app
    _snippet, key = add_partner(app)
    snippet = (
        f'<a class="petition-widget" href="{base}/p/{SLUG}" data-partner="{key}" '
        f'data-source="old">Sign</a>\n<script async src="{base}/static/embed.js"></script>'
    )
    page = browser_page
    page.goto(partner_site("/old", partner_html(snippet)))
    fill_and_sign(widget_frame(page), "old@example.org")
    [row] = signatures(app)
    assert (row["partner"], row["source"], row["referrer"]) == (
        "mijente",
        "old",
        partner_site.origin,
    )


def test_plain_iframe_records_the_framing_site_from_referer(live_app, partner_site, browser_page):
    app, base = live_app
    add_partner(app)
    with app.app_context():
        output = app.test_cli_runner().invoke(
            args=["partner", "snippet", "mijente", SLUG, "--source", "iframe"]
        )
    iframe = next(line for line in output.output.splitlines() if line.startswith("<iframe"))
    page = browser_page
    page.goto(partner_site("/iframe", partner_html(iframe)))
    fill_and_sign(widget_frame(page), "iframe@example.org")
    [row] = signatures(app)
    assert (row["partner"], row["source"], row["referrer"]) == (
        "mijente",
        "iframe",
        partner_site.origin,
    )
