"""Sharing: the thank-you page's share step, link previews (Open Graph, cards), the favicon."""

from . import links, pages, views


def init_app(app):
    """Give templates the share step and its stylesheet, and register the share views."""
    css = pages.thanks_css(app.jinja_env.globals["inline_css"])
    app.jinja_env.globals.update(share_step=links.share_step, thanks_css=css)
    app.register_blueprint(views.bp)
