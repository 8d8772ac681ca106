"""Show petitions in the language each request gets, from their stored translations."""

from .db import get_db
from .i18n import choose_language, ui_languages, use_language
from .petitions import TRANSLATED_KEYS, get_petition_or_404


def in_language(petition, translation):
    """Return the petition with a translation's text laid over its own."""
    shown = dict(petition)
    if translation:
        shown.update({key: translation[key] for key in TRANSLATED_KEYS if translation[key]})
        shown["lang"] = translation["lang"]
    return shown


def get_shown_petition_or_404(slug):
    """Return a public petition in the language this request gets, and speak that language."""
    petition = get_petition_or_404(slug)
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
    lang = use_language(choose_language(languages))
    return {**in_language(petition, translations.get(lang)), "languages": languages}


def shown_in(petitions, lang):
    """Return petitions with their text in lang where they have it."""
    rows = get_db().query("SELECT * FROM petition_translations WHERE lang = ?", [lang])
    translations = {row["petition_id"]: row for row in rows}
    return [in_language(petition, translations.get(petition["id"])) for petition in petitions]
