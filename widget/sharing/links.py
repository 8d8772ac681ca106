"""Build share links: one per channel, each saying where it came from and who shared it."""

import re
from urllib.parse import quote

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

# A signature's ref_code (secrets.token_urlsafe, or hex for rows signed before sharing existed).
REF_RE = re.compile(r"\A[A-Za-z0-9_-]{16,24}\Z")
# Where each channel's share goes; {text_url} is the text, a space and the link.
CHANNELS = {
    "whatsapp": ("WhatsApp", "https://wa.me/?text={text_url}"),
    "facebook": ("Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
    "x": ("X", "https://x.com/intent/post?text={text}&url={url}"),
    "bluesky": ("Bluesky", "https://bsky.app/intent/compose?text={text_url}"),
    "telegram": ("Telegram", "https://t.me/share/url?url={url}&text={text}"),
    # RFC 6068: mailto: takes %20 for spaces, never "+"; quote() gives exactly that.
    "email": (_l("Email"), "mailto:?subject={title}&body={text_mail}"),
    "sms": (_l("Text message"), "sms:?&body={text_url}"),
}


def shared_url(petition, channel, ref="", partner=""):
    """Return the petition's public URL as shared through channel, crediting the sharer."""
    args = {"partner": partner, "source": f"share-{channel}", "ref": ref}
    path = url_for("sign.page", slug=petition["slug"], **{k: v for k, v in args.items() if v})
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def share_text(petition):
    """Return what a share says besides the link: the petition's share_text, or its title."""
    return petition.get("share_text") or petition["title"]


def channel_url(petition, channel, ref="", partner=""):
    """Return the address that shares the petition through channel (a site, mailto:, sms:)."""
    text, url = share_text(petition), shared_url(petition, channel, ref, partner)
    return CHANNELS[channel][1].format(
        url=quote(url, safe=""),
        text=quote(text, safe=""),
        title=quote(petition["title"], safe=""),
        text_url=quote(f"{text} {url}", safe=""),
        text_mail=quote(f"{text}\n\n{url}", safe=""),
    )


def share_step(petition, context):
    """Return what the thank-you page's share step shows: native share, links, copy link."""
    # Each channel's link is our own /p/SLUG/share/CHANNEL, which redirects to the channel
    # with the texts built there: short links keep the embedded thank-you page under 10 KB.
    # A partner's embed shares links carrying its key, so the partner keeps the credit and its
    # opt-in; the host page's origin names no page of its own to lead back to, so links lead
    # to our petition page. The key comes from this page's URL, never from the database: what
    # a code's signature says (its partner) must not show to whoever holds the code.
    args = {"partner": context.partner_key, "ref": context.ref, "lang": petition["lang"]}
    args = {name: value for name, value in args.items() if value}
    links = [
        {
            "channel": channel,
            "label": label,
            "href": url_for("sharing.via", slug=petition["slug"], channel=channel, **args),
            "external": channel not in {"email", "sms"},
        }
        for channel, (label, _) in CHANNELS.items()
    ]
    partner = context.partner_key
    return {
        "text": share_text(petition),
        "copy_url": shared_url(petition, "copy", context.ref, partner),
        "links": links,
    }
