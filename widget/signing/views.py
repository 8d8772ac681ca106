"""Show a petition (full page or embed) and take signatures, Post/Redirect/Get."""

import functools
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from ..partners.records import partner_framing, partner_from_key
from ..petitions.localized import get_shown_petition_or_404
from ..web.headers import embeddable
from ..web.page_cache import render_page
from .abuse import SUSPECT, automated_signals, check_post_body, log_problem, refuse
from .context import SignContext
from .forms import SignForm
from .limits import limit_signing
from .pages import form_fillers
from .record import record_signature
from .tokens import FormTokenError

bp = Blueprint("sign", __name__)


def origin_of(url):
    """Return scheme://host[:port] of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# What a browser sends with a form submitted from one of our own pages or frames (Fetch
# Metadata); "none" is a navigation the user started (a reload, a bookmark), never another site.
OWN_SITES = {"same-origin", "none"}
FORM_MODES = {"navigate"}
FORM_DESTS = {"document", "iframe", "frame"}


def origin_allowed() -> bool:
    """Accept a POST that our own page or frame sent, or one from a browser that says nothing."""
    site = request.headers.get("Sec-Fetch-Site")
    mode = request.headers.get("Sec-Fetch-Mode")
    dest = request.headers.get("Sec-Fetch-Dest")
    origin = request.headers.get("Origin")
    if site is not None:
        # A cross-site or same-site post is refused whatever its Origin: a hostile page with
        # Referrer-Policy no-referrer sends "Origin: null", and a sibling subdomain may be
        # someone else's. Only a navigation (the form, in a page or frame) signs.
        if site not in OWN_SITES or mode not in (None, *FORM_MODES):
            return False
        if dest not in (None, *FORM_DESTS):
            return False
        # "null" here is our own page's no-referrer or an https-to-http step: still ours.
        return origin in (None, "null") or origin in own_origins()
    # An old browser without Fetch Metadata: its Origin must be ours; "null" proves nothing.
    return origin is None or origin in own_origins()


def own_origins():
    """Return the origins our pages are served from: this request's host and PUBLIC_URL's."""
    own = f"{request.scheme}://{request.host}"  # request.host_url rebuilds the whole URL
    return {own, origin_of(current_app.config["PUBLIC_URL"])}


@bp.before_request
def partner_framing_first():
    """Narrow an embed's framing to its partner's sites before anything answers (a 429 too)."""
    # The limiter, a 404 or a 413 can answer before the view has read the partner: every
    # answer of a partner's embed must still carry that partner's frame-ancestors.
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "embeddable", False):
        partner = partner_from_key(request.args.get("partner", ""))
        g.frame_ancestors = partner_framing(partner) if partner else None


def load_context(petition):
    """Read who brought the signer (partner, source, host page) from the query string."""
    return SignContext.from_request(lang=petition["lang"])


def check_post():
    """Refuse a post from another site or in a shape our form never sends; return its fields."""
    if not origin_allowed():
        refuse(403, "foreign-origin")
    return check_post_body()


def store(petition, form, context):
    """Store a valid signature, flagged if it looks automated; a honeypot hit stores nothing."""
    if form.website.data:
        log_problem("honeypot")  # thanked like anyone, so the bot learns nothing
        return
    signals = automated_signals()
    if signals:
        log_problem("flagged-suspect", signals=",".join(signals))
    status = SUSPECT if signals else "counted"
    record_signature(petition, form, form.nonce, context, status=status, signals=signals)


def sign_form(petition, fields=None):
    """Return the sign form for a petition: blank, or filled with posted fields."""
    return SignForm(formdata=fields, meta={"csrf_context": petition["id"]})


def sign_or_show(slug, template, thanks_endpoint):
    """Render the petition's form, or record a valid signature and redirect to thanks."""
    petition = get_shown_petition_or_404(slug)
    context = load_context(petition)
    if petition["status"] != "open":
        if request.method == "POST":
            log_problem("petition-closed")
        status = 409 if request.method == "POST" else 200
        return render_template(template, petition=petition, form=None, context=context), status
    if request.method != "POST":  # GET or HEAD: a blank form, from the page cache
        blank_form = functools.partial(sign_form, petition)
        fillers = form_fillers(petition)
        return render_page(template, petition, blank_form, fillers, context=context)
    form = sign_form(petition, check_post())
    if form.validate_on_submit():
        try:
            store(petition, form, context)
        except FormTokenError as problem:
            form.token_problem = str(problem)
        else:
            target = url_for(thanks_endpoint, slug=slug, **context.query_args())
            return redirect(target, code=303)
    problem = getattr(form, "token_problem", None)
    log_problem(problem or "invalid-fields", fields=",".join(sorted(form.errors)))
    html = render_template(template, petition=petition, form=form, context=context)
    return html, 400 if problem else 422


@bp.route("/p/<slug>", methods=["GET", "POST"])
@limit_signing
def page(slug):
    """Show the full petition page with its form (also the no-JavaScript fallback)."""
    return sign_or_show(slug, "petition.html", "sign.thanks")


@bp.route("/p/<slug>/embed", methods=["GET", "POST"])
@embeddable
@limit_signing
def embed(slug):
    """Show the compact form that partner pages frame."""
    return sign_or_show(slug, "embed.html", "sign.embed_thanks")


@bp.get("/p/<slug>/thanks")
def thanks(slug):
    """Thank a signer on the full page."""
    petition = get_shown_petition_or_404(slug)
    context = load_context(petition)
    return render_page("thanks.html", petition, context=context, embed=False)


@bp.get("/p/<slug>/embed/thanks")
@embeddable
def embed_thanks(slug):
    """Thank a signer inside the partner's frame."""
    petition = get_shown_petition_or_404(slug)
    context = load_context(petition)
    return render_page("thanks.html", petition, context=context, embed=True)
