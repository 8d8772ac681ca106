"""Show a petition's page the postal codes with the most signatures, merged as stats.json is."""

from flask import current_app, get_template_attribute
from markupsafe import Markup

from ..web.languages import current_language
from ..web.page_cache import register_slot
from .stats import OTHER, current_stats

MAX_MEMO = 1024
_memo = {}  # (database, slug, etag, language, shown) -> markup: one render per change


def top_areas(petition):
    """Return the markup of the petition's biggest areas, or nothing while none is shown."""
    config = current_app.config
    shown = int(config["STATS_TOP_AREAS"])
    if shown <= 0:
        return Markup()
    # The areas stats.json publishes, from its memo: no area under STATS_MIN_GROUP, no query
    # on most requests (at most one per COUNT_CACHE_SECONDS and process).
    minimum, max_age = int(config["STATS_MIN_GROUP"]), int(config["COUNT_CACHE_SECONDS"])
    etag, body = current_stats(petition["slug"], minimum, max_age)
    if etag is None:
        return Markup()
    key = (config["DATABASE"], petition["slug"], etag, current_language(), shown)
    if key not in _memo:
        areas = [area for area in body["postal_codes"] if area["postal_code"] != OTHER]
        macro = get_template_attribute("_macros.html", "top_areas")
        if len(_memo) >= MAX_MEMO:
            _memo.clear()
        _memo[key] = macro(areas[:shown]) if areas else Markup()
    return _memo[key]


def init_app(app):
    """Give the petition page its top areas, filled in per request like the count."""
    register_slot(app, "top_areas", top_areas)
