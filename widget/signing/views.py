"""Show a petition (full page or embed) and take signatures, Post/Redirect/Get."""

import functools
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

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


def origin_allowed():
    """Accept a POST from our own pages, a sandboxed frame, or a browser that omits Origin."""
    origin = request.headers.get("Origin")
    if origin in (None, "null"):
        return True
    own = f"{request.scheme}://{request.host}"  # request.host_url rebuilds the whole URL
    return origin in {own, origin_of(current_app.config["PUBLIC_URL"])}


def load_context(petition):
    """Read the signer's context, narrowing framing to the partner's own sites if it lists any."""
    context = SignContext.from_request(lang=petition["lang"])
    if context.partner and context.partner["origins"]:
        g.frame_ancestors = context.partner["origins"]
    return context


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
