"""End to end in Chromium: sign in a cross-site frame, confirm from the mail, then withdraw."""

import re

import pytest
from conftest import ROOT, SLUG

from widget.outbox.sender import Sender
from widget.store.db import get_db

pytest_plugins = ["browser_fixtures", "mail_fixtures"]


@pytest.fixture
def live_confirm_app(make_live_app, smtp_server):
    """Return (app, base URL) of the service with confirmation on, mailing the test's server."""
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port}
    return make_live_app(SIGNER_EMAIL="confirm", **mail)


def counted(app):
    with app.app_context():
        db = get_db()
        count = db.execute("SELECT signature_count FROM petitions WHERE slug = ?", [SLUG])
        rows = db.execute("SELECT status, count(*) FROM signatures GROUP BY status")
        return count.fetchone()[0], dict(rows.fetchall())


def test_confirm_in_spanish_from_a_cross_site_frame_then_withdraw(
    live_confirm_app, partner_site, chromium, smtp_server
):
    app, base = live_confirm_app
    snippet = f'<a class="petition-widget" href="{base}/p/{SLUG}">Firma</a>'
    snippet += f'\n<script async src="{base}/static/embed.js"></script>'
    context = chromium.new_context(locale="es-ES")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(partner_site("/actua", f"<!doctype html><title>Socio</title>{snippet}"))
        page.locator("a.petition-widget").wait_for(state="hidden")
        frame = page.locator("iframe").element_handle().content_frame()
        frame.wait_for_load_state()
        frame.locator("[name=first_name]").fill("Ana")
        frame.locator("[name=last_name]").fill("García")
        frame.locator("[name=email]").fill("ana@example.org")
        frame.locator("[name=postal_code]").fill("60608")
        frame.get_by_role("button", name="Firma la petición").click()
        frame.get_by_role("heading", name="Revisa tu correo para confirmar").wait_for()
        assert counted(app) == (0, {"unconfirmed": 1})

        Sender(app).run(once=True)
        (message,) = smtp_server.messages
        assert message["Content-Language"] == "es"
        assert message["Subject"].startswith("Confirma tu firma:")
        text = message.get_body(("plain",)).get_content()
        assert "Hola Ana" in text
        link = re.search(rf"{re.escape(base)}/s/\S+", text).group(0)

        # A mail scanner opens the link first, in its own browser; then the person does.
        scanner = chromium.new_context()
        scanner.new_page().goto(link)
        scanner.close()
        page.goto(link)
        page.get_by_text("Tu firma está confirmada y cuenta").wait_for()
        assert counted(app) == (1, {"counted": 1})
        page.reload()
        assert counted(app) == (1, {"counted": 1})
        page.screenshot(path=str(ROOT / "screenshots" / "signer-es.png"), full_page=True)

        page.get_by_role("button", name="Retirar mi firma").click()
        page.get_by_text("Tu firma ha sido retirada").wait_for()
        assert counted(app) == (0, {})
    finally:
        context.close()
