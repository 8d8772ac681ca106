"""Tell browsers and proxies how long they may reuse each response, and how to check it."""

from flask import current_app, g, request


def shared_cache_control(max_age, revalidate_factor=2, error_factor=5):
    """Return Cache-Control for a public read that a CDN may serve for the origin."""
    # As UK Parliament petitions do for their counts: a CDN (s-maxage) and browsers reuse the
    # answer for max_age, then serve it stale while one request revalidates in the background
    # (2x), and keep serving it if the origin fails or is overloaded (5x): a surge of page
    # views then reaches the origin as about one request per URL and interval.
    return (
        f"public, max-age={max_age}, s-maxage={max_age}, "
        f"stale-while-revalidate={max_age * revalidate_factor}, "
        f"stale-if-error={max_age * error_factor}"
    )


def set_cache_headers(response):
    """Give static files a lifetime and validators; make pages with a form token revalidate."""
    if request.endpoint == "static" and response.status_code in (200, 304):
        # embed.js keeps one URL on partners' pages: reuse it for a while, then revalidate
        # in the background (its ETag and Last-Modified make that a 304).
        max_age = int(current_app.config["STATIC_CACHE_SECONDS"])
        response.headers["Cache-Control"] = shared_cache_control(max_age, 24, 24)
    elif request.method == "POST":
        # A form sent back with errors shows what the signer typed: keep it out of caches.
        response.headers["Cache-Control"] = "no-store"
    elif response.mimetype == "text/html" and "Cache-Control" not in response.headers:
        # Every render carries a fresh one-time form token and CSP nonce, so the ETag (a hash
        # of this very render) never matches a later one: a revalidation always gets a fresh
        # form, and there is no point checking If-None-Match. No Last-Modified: an
        # If-Modified-Since match would answer 304 and hand back a token that may be spent.
        # A browser may still keep the page for its back button.
        response.headers["Cache-Control"] = "private, no-cache"
        if response.status_code == 200:
            # The page's CSP nonce is as unique as a hash of it, and costs no hashing.
            if "csp_nonce" in g:
                response.set_etag(g.csp_nonce)
            else:
                response.add_etag()
    return response


def init_app(app):
    """Register the caching hook."""
    app.after_request(set_cache_headers)
