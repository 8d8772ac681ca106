"""Choose the language of each response and format numbers and dates for it."""

import functools

from babel import Locale, UnknownLocaleError
from flask import current_app, g, has_request_context, request
from flask_babel import Babel, get_locale, refresh
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from .catalogs import compile_stale, half_translated

babel = Babel()
MAX_REMEMBERED_HEADER = 200
SOURCE_LANGUAGE = "en"  # the language templates and code are written in: it needs no catalog


def tag_of(locale):
    """Return the BCP 47 tag of a Babel locale (es, pt-BR)."""
    return str(locale).replace("_", "-")


def ui_languages():
    """Return the languages the interface speaks: English, then each compiled catalog's."""
    return current_app.extensions["widget.languages"]


def language_name(tag):
    """Return a language's name in that language, capitalized (English, Español)."""
    try:
        name = Locale.parse(tag, sep="-").get_display_name(tag.replace("-", "_")) or tag
    except (ValueError, UnknownLocaleError):
        name = tag
    return name[:1].upper() + name[1:]


def match(requested, offered):
    """Return the offered tag that a requested tag names, exactly or by its first subtag."""
    requested = requested.replace("_", "-").lower()
    by_lower = {tag.lower(): tag for tag in offered}
    return by_lower.get(requested) or by_lower.get(requested.split("-")[0])


def choose_language(offered=None):
    """Pick among offered languages: the `lang` argument, then Accept-Language, then the first."""
    offered = tuple(offered or ui_languages())
    chosen = match(request.args.get("lang", ""), offered)
    if chosen:
        return chosen
    g.language_negotiated = True  # the answer depends on a header: caches must know
    header = request.headers.get("Accept-Language", "")
    # A crowd of browsers sends a handful of distinct headers: remember the usual ones (a
    # long one is no browser's, and would only fill the memory).
    if len(header) <= MAX_REMEMBERED_HEADER:
        return remembered_best_language(header, offered)
    return best_language(header, offered)


def best_language(accept_language, offered):
    """Return the offered language an Accept-Language header prefers, or the first offered."""
    # best_match also finds "es" for "es-MX"; "*" matches the first offered, the default.
    accepted = parse_accept_header(accept_language, LanguageAccept)
    return accepted.best_match(offered) or offered[0]


remembered_best_language = functools.lru_cache(maxsize=1024)(best_language)


def use_language(tag):
    """Show this request in the language tag, even if Babel already picked one."""
    g.language = tag
    refresh()
    return tag


def select_locale():
    """Return the locale for Flask-Babel: the one chosen, a negotiated one, or English."""
    # Commands (a snippet printed by the CLI) have no request to negotiate with.
    tag = g.get("language") or (choose_language() if has_request_context() else None)
    try:
        return str(Locale.parse(tag or SOURCE_LANGUAGE, sep="-"))
    except (ValueError, UnknownLocaleError):  # a language stored before tags were checked
        return SOURCE_LANGUAGE


def current_language():
    """Return the tag this response speaks; cheaper than asking Babel once a view chose it."""
    return g.get("language") or page_language()


def page_language():
    """Return the tag for <html lang>: the language this response speaks."""
    return tag_of(get_locale())


def vary_on_language(response):
    """Tell caches that a negotiated page depends on Accept-Language."""
    if g.get("language_negotiated"):
        # Set as text when there is no Vary yet: parsing one for .vary costs more than the rest.
        if "Vary" in response.headers:
            response.vary.add("Accept-Language")
        else:
            response.headers["Vary"] = "Accept-Language"
    return response


def init_app(app):
    """Bind Flask-Babel, compile stale catalogs and list the languages they give."""
    babel.init_app(app, default_locale=SOURCE_LANGUAGE, locale_selector=select_locale)
    # However the service was installed (pip, a container, no make), a catalog whose .mo is
    # missing or older than its .po is compiled now: an uncompiled language is not offered,
    # since Spanish would otherwise render in English under <html lang="es">.
    # A half-translated language is not offered either: no page mixes two languages.
    half = set()
    for directory in app.extensions["babel"].translation_directories:
        compile_stale(directory, app.logger)
        half |= half_translated(directory, SOURCE_LANGUAGE, app.logger)
    with app.app_context():
        locales = babel.list_translations()
    tags = {tag_of(locale) for locale in locales if str(locale) not in half} - {SOURCE_LANGUAGE}
    app.extensions["widget.languages"] = (SOURCE_LANGUAGE, *sorted(tags))
    app.after_request(vary_on_language)
    app.jinja_env.globals.update(page_language=page_language, language_name=language_name)
