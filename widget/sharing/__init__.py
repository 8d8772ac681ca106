"""Sharing: the thank-you page's share step, link previews (Open Graph, cards), the favicon."""

from . import links, pages, previews, views


def init_app(app):
    """Give templates the share step, its stylesheet and link previews; register the views."""
    css = pages.thanks_css(app.jinja_env.globals["inline_css"])
    app.jinja_env.globals.update(
        share_step=links.share_step, thanks_css=css, link_preview=previews.link_preview
    )
    app.register_blueprint(views.bp)
