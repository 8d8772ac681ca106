"""Read who brought a signer (partner, source, host page) from the query string."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, request

from ..partners.records import ORIGIN_RE, clean_source, partner_from_key
from ..sharing.links import REF_RE


@dataclass(frozen=True)
class SignContext:
    """Where a form was shown: the partner, the campaign code, the host page and language."""

    partner: dict | None = None
    partner_key: str = ""
    source: str = ""
    origin: str = ""
    lang: str = "en"
    ref: str = ""  # the sharer's code on a shared link; the signer's own on the thank-you page

    @classmethod
    def from_request(cls, lang="en"):
        """Build the context from the query string, dropping whatever is malformed."""
        args = request.args
        key = args.get("partner", "")
        partner = partner_from_key(key)
        origin = args.get("origin", "") or referring_origin()
        ref = args.get("ref", "")
        return cls(
            partner=partner,
            partner_key=key if partner else "",
            source=clean_source(args.get("source")),
            origin=origin if ORIGIN_RE.fullmatch(origin) else "",
            lang=lang,
            ref=ref if REF_RE.fullmatch(ref) else "",
        )

    def query_args(self):
        """Return the query arguments that carry this context to the next page."""
        # lang goes along even when it was negotiated, so the form is posted, stored and
        # thanked in the language it was shown in.
        pairs = {
            "partner": self.partner_key,
            "source": self.source,
            "origin": self.origin,
            "lang": self.lang,
            "ref": self.ref,
        }
        return {name: value for name, value in pairs.items() if value}


def referring_origin():
    """Return the origin of the page that linked or framed this one, unless it is ours."""
    # A plain iframe, or the snippet's link followed without JavaScript, has no `origin` in
    # its URL; the browser's Referer still names the page (its origin only, by default).
    parts = urlsplit(request.referrer or "")
    origin = f"{parts.scheme}://{parts.netloc}"
    ours = {f"{request.scheme}://{request.host}", current_app.config["PUBLIC_URL"].rstrip("/")}
    return origin if ORIGIN_RE.fullmatch(origin) and origin not in ours else ""
