"""Plumbing every page uses: headers, caching, errors, page cache, languages, health, metrics."""

from . import caching, errors, headers, health, languages, metrics, page_cache


def init_app(app):
    """Register the headers, caching, error pages, languages, page cache, health and metrics."""
    headers.init_app(app)
    caching.init_app(app)
    errors.init_app(app)
    languages.init_app(app)
    page_cache.init_app(app)
    app.register_blueprint(health.bp)
    metrics.init_app(app)
