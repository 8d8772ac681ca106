"""Answer every HTTP error with a friendly page, compact inside the widget's frame."""

from flask import current_app, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .headers import frame_ancestors


def render_error(error):
    """Render an HTTP error page in the layout of the page that failed."""
    if not isinstance(error, HTTPException):
        current_app.logger.exception("unhandled error on %s", request.path)
        error = InternalServerError()
    embed = frame_ancestors() is not None
    # A view may abort with its own message; otherwise the page picks one by status code.
    message = error.description if error.description != type(error).description else None
    html = render_template("error.html", error=error, embed=embed, message=message)
    response = current_app.make_response((html, error.code))
    if error.code == 429 and getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(error.retry_after)
    if error.code == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def init_app(app):
    """Register the error pages."""
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(Exception, render_error)
