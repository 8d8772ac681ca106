"""Set framing, content-security and privacy headers on every response."""

import secrets

from flask import current_app, g, request
from flask.sessions import SessionInterface


def embeddable(view):
    """Mark a view as part of the widget, so partner pages may frame it."""
    view.embeddable = True
    return view


def secret_url(view):
    """Mark a view whose URL carries a secret: none of its answers may leak it or be kept."""
    view.secret_url = True
    return view


def csp_nonce():
    """Return this response's nonce for inline styles and scripts."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def frame_ancestors():
    """Return who may frame this response: partners for embed views, nobody otherwise."""
    view = current_app.view_functions.get(request.endpoint)
    if not getattr(view, "embeddable", False):
        return None
    return g.get("frame_ancestors") or current_app.config["FRAME_ANCESTORS"]


def set_security_headers(response):
    """Add CSP, framing and referrer headers; never set a cookie."""
    ancestors = frame_ancestors() or "'none'"
    # Only a page that rendered inline styles or scripts gets a nonce for them; JSON, files
    # and redirects allow none (and skip making one).
    inline = f" 'nonce-{g.csp_nonce}'" if "csp_nonce" in g else ""
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'self'{inline}; script-src 'self'{inline};"
        " img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self';"
        f" base-uri 'none'; frame-ancestors {ancestors}"
    )
    if ancestors == "'none'":
        response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "secret_url", False):
        # Its error pages too: a link followed from one would carry the secret in Referer.
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"  # nor found through a search
    else:
        # A view's own policy stands (only ever stricter): ours where it set none.
        response.headers.setdefault("Referrer-Policy", "same-origin")
    # The widget works without cookies (DESIGN.md); make sure nothing slips one in.
    response.headers.pop("Set-Cookie", None)
    return response


class NoSessions(SessionInterface):
    """Keep no session at all: the widget works without cookies (DESIGN.md)."""

    def open_session(self, app, request):
        return None  # Flask then uses a NullSession, which refuses to be written to

    def save_session(self, app, session, response):
        pass


def init_app(app):
    """Register the header hook and turn sessions off."""
    # Reading the session cookie costs every request a little, and nothing here needs it.
    app.session_interface = NoSessions()
    app.after_request(set_security_headers)
