"""Read who brought a signer (partner, source, host page) from the query string."""

import re
from dataclasses import dataclass

from flask import request

from ..partners.records import ORIGIN_RE, partner_from_key

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

    @classmethod
    def from_request(cls, lang="en"):
        """Build the context from the query string, dropping whatever is malformed."""
        args = request.args
        key = args.get("partner", "")
        partner = partner_from_key(key)
        origin = args.get("origin", "")
        return cls(
            partner=partner,
            partner_key=key if partner else "",
            source=SOURCE_UNSAFE.sub("", args.get("source", ""))[:MAX_SOURCE],
            origin=origin if ORIGIN_RE.fullmatch(origin) else "",
            lang=lang,
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
        }
        return {name: value for name, value in pairs.items() if value}
