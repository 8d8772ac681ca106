"""The plumbing every page uses: headers, caching, errors, the page cache, languages, health."""

from . import caching, errors, headers, health, languages, page_cache


def init_app(app):
    """Register the headers, caching, error pages, languages, page cache and health check."""
    headers.init_app(app)
    caching.init_app(app)
    errors.init_app(app)
    languages.init_app(app)
    page_cache.init_app(app)
    app.register_blueprint(health.bp)
