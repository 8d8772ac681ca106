"""Chromium signs once in English and once in Spanish inside a cross-site iframe."""

from conftest import SLUG
from test_browser_embed import partner_html, signatures, widget_frame

pytest_plugins = ["browser_fixtures"]

# What each language's form says, to fill it the way a person reads it.
WORDS = {
    "en": {
        "first": "First name",
        "last": "Last name",
        "email": "Email",
        "zip": "ZIP or postal code",
        "optin": "You'll receive periodic updates on offers and activism opportunities.",
        "sign": "Sign the petition",
        "thanks": "Thank you for signing",
    },
    "es": {
        "first": "Nombre",
        "last": "Apellido",
        "email": "Correo electrónico",
        "zip": "Código postal",
        "optin": "Recibirás actualizaciones periódicas sobre ofertas y oportunidades de activismo.",
        "sign": "Firma la petición",
        "thanks": "Gracias por firmar",
    },
}


def test_chromium_signs_once_in_each_language_inside_a_cross_site_iframe(
    live_app, partner_site, chromium
):
    app, base = live_app
    for number, (lang, words) in enumerate(WORDS.items()):
        # An English browser for both: the partner's data-lang decides, not the browser.
        snippet = (
            f'<a class="petition-widget" href="{base}/p/{SLUG}" data-lang="{lang}">Sign</a>\n'
            f'<script async src="{base}/static/embed.js"></script>'
        )
        context = chromium.new_context(locale="en-US", viewport={"width": 360, "height": 800})
        context.set_default_timeout(10_000)
        page = context.new_page()
        try:
            page.goto(partner_site(f"/{lang}", partner_html(snippet)))
            frame = widget_frame(page)
            assert frame.locator("html").get_attribute("lang") == lang
            frame.get_by_label(words["first"], exact=True).fill("Ana")
            frame.get_by_label(words["last"], exact=True).fill("García")
            frame.get_by_label(words["email"], exact=True).fill(f"ana{number}@example.org")
            frame.get_by_label(words["zip"], exact=True).fill("60608")
            frame.get_by_label(words["optin"]).check()
            frame.get_by_role("button", name=words["sign"]).click()
            frame.get_by_role("heading", name=words["thanks"]).wait_for()
            assert frame.locator("html").get_attribute("lang") == lang
            page.wait_for_function("window.signed.length === 1")
            assert context.cookies() == []
        finally:
            context.close()
    rows = signatures(app)
    assert [(row["lang"], row["consent_text"]) for row in rows] == [
        (lang, words["optin"]) for lang, words in WORDS.items()
    ]
    assert rows[0]["petition_id"] == rows[1]["petition_id"]
    with app.app_context():
        from widget.store.db import get_db

        count = (
            get_db()
            .execute("SELECT signature_count FROM petitions WHERE slug = ?", [SLUG])
            .fetchone()[0]
        )
    assert count == 2
