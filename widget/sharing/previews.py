"""Describe a petition for link previews: Open Graph and Twitter card values, page descriptions."""

import functools

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from flask import current_app, url_for

from .cards import CARD_SIZE

MAX_DESCRIPTION = 200  # what previews show; search engines cut near 160


def public_url(endpoint, **args):
    """Return an absolute URL on the service's public address (PUBLIC_URL)."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for(endpoint, **args)


@functools.cache
def og_locale(tag):
    """Return Open Graph's language_TERRITORY for a language tag: es -> es_ES, pt-BR -> pt_BR."""
    try:
        locale = Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        return "en_US"
    if not locale.territory:  # the territory a language is most likely written in
        likely = get_global("likely_subtags").get(locale.language, "")
        locale = Locale.parse(likely) if likely else locale
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


def shorten(text, limit=MAX_DESCRIPTION):
    """Return text cut at a word boundary to at most limit characters, with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def petition_url(petition, lang):
    """Return the petition page's public URL in a language (the petition's own needs no ?lang)."""
    own = petition["languages"][0]
    return public_url("sign.page", slug=petition["slug"], **({} if lang == own else {"lang": lang}))


def link_preview(petition):
    """Return the Open Graph values of a petition page in the language it is shown in."""
    lang = petition["lang"]
    if petition.get("image"):
        image = public_url("sharing.image", slug=petition["slug"], v=petition["revision"])
        size = None  # a maintainer's file: its size is theirs
    else:
        args = {"lang": lang, "v": petition["revision"]}
        image = public_url("sharing.card", slug=petition["slug"], **args)
        size = CARD_SIZE
    return {
        "title": petition["title"],
        "description": shorten(petition["statement"] or petition["title"]),
        "url": petition_url(petition, lang),
        "image": image,
        "image_size": size,
        "locale": og_locale(lang),
        "alternates": [
            {"lang": tag, "locale": og_locale(tag), "url": petition_url(petition, tag)}
            for tag in petition["languages"]
        ],
        "site_name": petition.get("organization") or "",
    }
