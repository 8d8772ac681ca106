"""Refuse malformed sign posts, spot automated ones, and log refusals without personal data."""

import re
from urllib.parse import parse_qsl

from flask import abort, current_app, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from ..web.metrics import sign_refused

FORM_TYPE = "application/x-www-form-urlencoded"  # what the sign form sends (no enctype)
SUSPECT = "suspect"
# HTTP libraries and command-line tools name themselves; browsers never do.
TOOL_AGENT = re.compile(
    r"curl|wget|python|aiohttp|httpx|go-http-client|java/|okhttp|libwww|lwp::|node-fetch|axios"
    r"|undici|scrapy|httpclient|guzzle|ruby|perl|php|postman|insomnia",
    re.IGNORECASE,
)


def log_problem(reason, **details):
    """Log what was wrong with a sign request: the reason and endpoint, never who sent it."""
    if reason != "flagged-suspect":  # stored, as a suspect: counted with the signatures
        sign_refused(reason)
    extra = "".join(f" {name}={value}" for name, value in details.items() if value)
    current_app.logger.warning(
        "sign request %s %s: %s%s", request.method, request.endpoint, reason, extra
    )


def refuse(code, reason):
    """Log the reason and answer with the error page for this status."""
    log_problem(reason)
    abort(code)


def check_post_body():
    """Refuse a post that no browser sends from our form; return the fields of one that is."""
    if request.mimetype != FORM_TYPE:
        refuse(415, "content-type")
    try:
        body = request.get_data(cache=True)  # at most MAX_CONTENT_LENGTH bytes
    except RequestEntityTooLarge:
        refuse(413, "too-large")
    # Werkzeug turns undecodable bytes into "%FF" text; a name must never be stored garbled.
    try:
        pairs = parse_qsl(
            body.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict"
        )
    except (UnicodeDecodeError, ValueError):
        refuse(400, "invalid-utf-8")
    fields = MultiDict(pairs)  # the form reads these: no second parse of the same body
    if any(len(values) > 1 for values in fields.listvalues()):
        refuse(400, "duplicated-field")
    return fields


def automated_signals():
    """Return why this post looks automated; a person's browser triggers none of these."""
    agent = request.headers.get("User-Agent", "").strip()
    signals = []
    if not agent:
        signals.append("no-user-agent")
    elif TOOL_AGENT.search(agent):
        signals.append("tool-user-agent")
    # Every browser sends the reader's languages with a page or form request.
    if not request.headers.get("Accept-Language", "").strip():
        signals.append("no-accept-language")
    return signals
