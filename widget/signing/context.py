"""Read who brought a signer (partner, source, host page) from the query string."""

import re
from dataclasses import dataclass

from flask import request

from ..partners.records import ORIGIN_RE, partner_from_key
from ..sharing.links import REF_RE

SOURCE_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]")
MAX_SOURCE = 64


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
        origin = args.get("origin", "")
        ref = args.get("ref", "")
        return cls(
            partner=partner,
            partner_key=key if partner else "",
            source=SOURCE_UNSAFE.sub("", args.get("source", ""))[:MAX_SOURCE],
            origin=origin if ORIGIN_RE.match(origin) else "",
            lang=lang,
            ref=ref if REF_RE.match(ref) else "",
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
