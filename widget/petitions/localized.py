"""Show petitions in the language each request gets, from their stored translations."""

from flask import abort, current_app

from ..store.db import get_db
from ..web.languages import choose_language, ui_languages, use_language
from .records import TRANSLATED_KEYS, get_petition

MAX_CACHED_PETITIONS = 256


def in_language(petition, translation):
    """Return the petition with a translation's text laid over its own."""
    shown = dict(petition)
    if translation:
        shown.update({key: translation[key] for key in TRANSLATED_KEYS if translation[key]})
        shown["lang"] = translation["lang"]
    return shown


def read_versions(slug):
    """Read a petition and its offered translations: {language: the petition shown in it}."""
    petition = get_petition(slug)
    if petition is None:
        return None
    rows = get_db().query(
        "SELECT * FROM petition_translations WHERE petition_id = ?", [petition["id"]]
    )
    # A translation is offered when the interface speaks its language too (a compiled
    # catalog); the petition's own language always is, and comes first: the fallback.
    translations = {
        row["lang"]: row
        for row in rows
        if row["lang"] in ui_languages() and row["lang"] != petition["lang"]
    }
    languages = (petition["lang"], *sorted(translations))
    return {
        lang: {**in_language(petition, translations.get(lang)), "languages": languages}
        for lang in languages
    }


def petition_versions(slug):
    """Return a petition in each of its languages and its count, read from a cache if current."""
    # Three of these per signature; the petition's texts change rarely, its count always. A
    # one-row read of revision and count says whether the cached texts still hold.
    row = (
        get_db()
        .execute("SELECT revision, signature_count FROM petitions WHERE slug = ?", [slug])
        .fetchone()
    )
    if row is None:
        return None, 0
    revision, count = row
    cache = current_app.extensions.setdefault("widget.petitions", {})
    cached_revision, versions = cache.get(slug, (None, None))
    if cached_revision != revision:
        versions = read_versions(slug)
        if versions is None:  # deleted since the first read
            return None, 0
        if len(cache) >= MAX_CACHED_PETITIONS:
            cache.clear()
        cache[slug] = (revision, versions)
    return versions, count


def get_shown_petition_or_404(slug):
    """Return a public petition in the language this request gets, and speak that language."""
    versions, count = petition_versions(slug)
    if versions is None:
        abort(404)
    languages = tuple(versions)  # the petition's own first
    if versions[languages[0]]["status"] == "draft":
        abort(404)
    lang = use_language(choose_language(languages))
    return {**versions[lang], "signature_count": count}


def shown_in(petitions, lang):
    """Return petitions with their text in lang where they have it."""
    rows = get_db().query("SELECT * FROM petition_translations WHERE lang = ?", [lang])
    translations = {row["petition_id"]: row for row in rows}
    return [in_language(petition, translations.get(petition["id"])) for petition in petitions]
