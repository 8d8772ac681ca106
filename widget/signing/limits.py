"""Rate-limit signing per client address, and find that address behind trusted proxies."""

import functools
import ipaddress
import math
import time

from flask import current_app, g, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

from ..web.errors import render_error
from ..web.metrics import rate_limit_hit
from . import limit_storage  # noqa: F401 - registers local:// with limits before init_app
from .abuse import log_problem
from .record import hash_ip

IPV6_PREFIX = 64  # one household, phone or server usually holds a whole /64
FALLBACK_RETRY_AFTER = 60
SIGN_BLUEPRINT = "sign"  # where the limited views are (widget/signing/views.py)


def client_network(address):
    """Return the address a limit applies to: the IPv4 address or the IPv6 /64 around it."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    # Masking the integer: a third of the time of building an ip_network (every signature).
    network = int(ip) >> (128 - IPV6_PREFIX) << (128 - IPV6_PREFIX)
    return f"{ipaddress.IPv6Address(network)}/{IPV6_PREFIX}"


def client_key():
    """Return the limit key of this request: a keyed hash, so no address reaches the storage."""
    # flask-limiter asks once per limit (three by default); the /64 arithmetic is not free.
    if "limit_key" not in g:
        g.limit_key = hash_ip(client_network(request.remote_addr))
    return g.limit_key


def sign_limits():
    """Return the configured sign limits (read per request, so tests and settings can change)."""
    return current_app.config["SIGN_RATE_LIMITS"]


# Unbound here, bound in create_app. If the storage (Redis) fails, limit in memory rather than
# refuse signatures: a signature matters more than an exact limit.
limiter = Limiter(key_func=client_key, in_memory_fallback_enabled=True, swallow_errors=True)
# One budget per address for every petition, full page and embed alike; page views are free.
limit_sign_posts = limiter.shared_limit(sign_limits, scope="sign", methods=["POST"])


def limit_signing(view):
    """Limit a sign view's POSTs per address; its page views skip the limiter altogether."""
    limited = limit_sign_posts(view)

    # flask-limiter checks the method after most of its bookkeeping: a tenth of a page view.
    @functools.wraps(view)  # same name as the view: the limiter marked it so
    def run(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        return limited(*args, **kwargs)

    return run


def retry_after():
    """Return whole seconds until the breached limit lets this address sign again."""
    try:
        reset_at = limiter.current_limit.reset_at
    except Exception:  # the storage went away between the check and this answer
        return FALLBACK_RETRY_AFTER
    return max(1, math.ceil(reset_at - time.time()))


def too_many_requests(error):
    """Answer a breached limit with the friendly page, saying when to try again."""
    log_problem("rate-limited")
    rate_limit_hit()
    # A plain TooManyRequests, so the page shows its friendly text rather than the limit.
    return render_error(TooManyRequests(retry_after=retry_after()))


def posts_only(hook, passes_on=False):
    """Wrap one of the limiter's request hooks so that it runs for POST requests only."""

    @functools.wraps(hook)
    def run(*args):
        if request.method == "POST":
            return hook(*args)
        return args[0] if passes_on else None  # an after-request hook hands the response on

    return run


def limiter_hooks_on_sign_posts_only(app):
    """Keep the limiter's request hooks to what our limits need: the sign views' POSTs."""
    # Its three hooks ran on every request, a sixth of a count.json's time (measured
    # in-process). The before-request one checks app-wide limits; unless flask-limiter's own
    # RATELIMIT_DEFAULT or RATELIMIT_APPLICATION sets some, there are none (ours are on the
    # sign views, checked by their decorator) and it goes. The after and
    # teardown ones clear what a check leaves behind: on the sign views' POSTs only.
    if not (app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION")):
        before = app.before_request_funcs[None]
        before[:] = [hook for hook in before if limiter not in hook_owners(hook)]
    for registry, passes_on in (
        (app.after_request_funcs, True),
        (app.teardown_request_funcs, False),
    ):
        ours = [hook for hook in registry[None] if limiter in hook_owners(hook)]
        registry[None] = [hook for hook in registry[None] if hook not in ours]
        registry[SIGN_BLUEPRINT].extend(posts_only(hook, passes_on) for hook in ours)


def hook_owners(hook):
    """Return the objects a hook is bound to: a method's instance, a partial's arguments."""
    if isinstance(hook, functools.partial):
        return hook.args
    return (getattr(hook, "__self__", None),)


def init_app(app):
    """Trust the configured proxies, bind the limiter and its error page."""
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    # The limiter is one object for the process, and flask-limiter keeps the strategy of the
    # first app bound to it and whether an earlier storage died; each app (tests make many)
    # gets its own strategy and a fresh storage.
    limiter._strategy = app.config["RATELIMIT_STRATEGY"]  # noqa: SLF001 - no public setter
    limiter._storage_dead = False  # noqa: SLF001
    limiter.init_app(app)
    limiter_hooks_on_sign_posts_only(app)
    app.register_error_handler(RateLimitExceeded, too_many_requests)
