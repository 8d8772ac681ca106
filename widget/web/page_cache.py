"""Give templates their shared helpers, and serve repeated pages from a cache with slots."""

import functools
import re
import secrets
from dataclasses import is_dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from flask import current_app, g, get_template_attribute, render_template, request
from flask_babel import get_translations
from markupsafe import Markup, escape

from .goals import shown_goal
from .headers import csp_nonce
from .languages import SOURCE_LANGUAGE, current_language

# What changes between two renders of the same page: each is rendered as a marker, then
# filled per request. The markers carry a secret of this process, so that no petition text,
# partner name or query argument can pose as one.
_MARK = secrets.token_hex(8)
SLOTS = re.compile(f"\x00{_MARK}:([a-z_]+)\x00")
# A slot inside a URL must survive percent-encoding (a share link inside a share link): letters.
URL_SLOTS = re.compile(f"slot{_MARK}([a-z]+){_MARK}")
MAX_PAGES = 512
MAX_PROGRESS = 1024


def slot(name):
    """Return the marker of a slot named name, filled per request by its filler."""
    return f"\x00{_MARK}:{name}\x00"


def url_slot(name):
    """Return a marker of slot name that survives URL encoding, for values inside links."""
    return f"slot{_MARK}{name}{_MARK}"


def rendering_slots():
    """Tell whether the page being rendered is the cached one, with markers for its slots."""
    return bool(g.get("page_slots"))


def register_slot(app, name, render):
    """Have templates' page_slot(name, petition) show render(petition), made per request."""
    # What a cached page shows that changes between requests, from a domain above web (the
    # petition's top areas, from delivery), filled in as the progress bar is.
    app.extensions["widget.slots"][name] = render


def page_slot(name, petition):
    """Return a registered slot's marker in a page being cached; its content in any other."""
    if rendering_slots():
        return Markup(slot(name))  # noqa: S704 - a constant
    return current_app.extensions["widget.slots"][name](petition)


def frozen(value):
    """Return a hashable copy of a value made of dicts, lists, dataclasses and scalars."""
    if isinstance(value, (str, int, float, type(None))):
        return value
    if is_dataclass(value):
        value = vars(value)
    if isinstance(value, dict):
        return tuple((key, frozen(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(map(frozen, value))
    return value


def page_key(template, petition, values):
    """Return everything a cached page shows besides its slots, as a cache key."""
    # Triggers bump the revision whenever the petition's shown text or a translation changes
    # (migration m004), so an edit shows at once; the count is a slot.
    shown = (petition["id"], petition["revision"])
    # The endpoint and host: forms post back to their own URL, thank-you links are absolute.
    where = (request.endpoint, request.scheme, request.host, request.script_root)
    return (template, where, current_language(), shown, frozen(values))


def render_with_slots(template, petition, values):
    """Render a page with markers for its slots; return its literal pieces and slot names."""
    g.page_slots = True
    g.csp_nonce = slot("nonce")
    try:
        html = render_template(template, petition=petition, **values)
    finally:
        del g.page_slots, g.csp_nonce
    return SLOTS.split(URL_SLOTS.sub(lambda match: slot(match[1]), html))


def render_page(template, petition, blank_form=None, fillers=None, **values):
    """Render a page once per content; per request fill in its slots (nonce, count, fillers')."""
    # Building a form and rendering a template are most of a page's time (pyinstrument);
    # between two signers only the one-time token, the CSP nonce and the count differ.
    cacheable = not current_app.jinja_env.auto_reload  # auto_reload: templates being edited
    pages = current_app.extensions["widget.pages"]
    key = page_key(template, petition, {**values, "blank_form": bool(blank_form)})
    pieces = pages.get(key) if cacheable else None
    if pieces is None:
        if blank_form:
            values["form"] = blank_form()
        pieces = render_with_slots(template, petition, values)
        if cacheable:  # auto_reload: templates being edited, render afresh every time
            if len(pages) >= MAX_PAGES:
                pages.clear()
            pages[key] = pieces
    # Called only for the slots a page has: a thank-you page issues no token. The domain
    # rendering the page hands in its own fillers (the sign form's token, for one).
    registered = current_app.extensions["widget.slots"]
    make = {name: functools.partial(render, petition) for name, render in registered.items()}
    make |= {"nonce": csp_nonce, "progress": lambda: render_progress(petition), **(fillers or {})}
    return fill_slots(pieces, make)


def fill_slots(pieces, make):
    """Join split pieces (text, slot name, text, ...), each slot made by make[name]()."""
    filled = list(pieces)
    for index in range(1, len(pieces), 2):
        filled[index] = make[pieces[index]]()
    return "".join(filled)


def render_progress(petition):
    """Render the progress bar: its markup once per petition, goal and language, then the count."""
    if rendering_slots():
        return Markup(slot("progress"))  # noqa: S704 - a constant
    # Every signature changes the count, so a surge renders a new bar for nearly every page:
    # the macro and Flask-Babel's per-call lookups were a quarter of a thank-you page.
    bars = current_app.extensions["widget.progress"]
    count = petition["signature_count"]
    goal = shown_goal(petition["goal"], count, petition.get("goal_steps", True))
    key = (petition["slug"], goal, current_language())
    pieces, last_count, last_html = bars.get(key) or (None, None, None)
    if count == last_count:  # between two signatures, every page shows the same bar
        return last_html
    if pieces is None:
        macro = get_template_attribute("_macros.html", "progress")
        shown = {**petition, "goal": goal}
        pieces = SLOTS.split(str(macro(shown, slot("label"), slot("value"))))
        if len(bars) >= MAX_PROGRESS:
            bars.clear()
    make = {
        "label": lambda: escape(count_label(count)),
        "value": lambda: str(min(count, goal)),
    }
    html = Markup(fill_slots(pieces, make))  # noqa: S704 - escaped pieces and an escaped label
    bars[key] = (pieces, count, html)
    return html


def count_label(count):
    """Return "1,234 signatures", translated and formatted for this response's language."""
    # ungettext, not Flask-Babel's ngettext, which would put in the unformatted number.
    label = get_translations().ungettext("%(num)s signature", "%(num)s signatures", count)
    return label % {"num": format_count(count)}


def format_count(count):
    """Format a whole number as the decimalformat filter does, from a locale parsed once."""
    return format_decimal(count, locale=babel_locale(current_language()))


@functools.cache
def babel_locale(tag):
    """Return the Babel locale of a language tag; English's for one Babel does not know."""
    try:
        return Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):  # as select_locale does (widget/i18n.py)
        return Locale.parse(SOURCE_LANGUAGE)


def init_app(app):
    """Register the template globals, reading the stylesheet once; start the render caches."""
    # The widget's frames inline the stylesheet (one request, under 10 KB); full pages link it
    # and static/pages.css, which holds the rules only they use.
    css = (Path(app.static_folder) / "widget.css").read_text(encoding="utf-8")
    app.extensions["widget.pages"] = {}  # (template, where, language, ...) -> pieces
    app.extensions["widget.progress"] = {}  # (slug, goal, language) -> pieces, last bar
    app.extensions["widget.slots"] = {}  # name -> render(petition), see register_slot
    app.jinja_env.globals.update(
        csp_nonce=csp_nonce, inline_css=css, render_progress=render_progress, page_slot=page_slot
    )
