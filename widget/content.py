"""Read petition files (TOML front matter + Markdown) and render their text safely."""

import re
import tomllib
from pathlib import Path

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
FRONT_MATTER_KEYS = {
    "slug": str,
    "lang": str,
    "title": str,
    "target": str,
    "statement": str,
    "goal": int,
    "status": str,
    "organization": str,
    "optin_text": str,
    "thanks_text": str,
}
STATUSES = {"open", "closed", "draft"}

_markdown = MarkdownIt("commonmark").use(footnote_plugin)
_allowed_attributes = {
    "a": {"href", "id", "class"},
    "sup": {"class"},
    "li": {"id", "class"},
    "ol": {"class", "start"},
    "section": {"class"},
    "hr": {"class"},
}
_allowed_tags = {
    "p",
    "a",
    "em",
    "strong",
    "ul",
    "ol",
    "li",
    "blockquote",
    "sup",
    "section",
    "hr",
    "br",
    "h2",
    "h3",
    "h4",
    "code",
}


class PetitionFileError(ValueError):
    """A petition file that cannot be loaded, with a message for the maintainer."""


def render_markdown(text):
    """Render Markdown with footnotes to sanitized HTML."""
    html = _markdown.render(text)
    return nh3.clean(html, tags=_allowed_tags, attributes=_allowed_attributes)


def parse_petition(text, name="petition"):
    """Split a petition file into validated front matter and rendered body."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    if not text.startswith("+++\n"):
        raise PetitionFileError(f"{name}: must start with a '+++' line of TOML front matter")
    try:
        front, body = text[4:].split("\n+++\n", 1)
        data = tomllib.loads(front)
    except ValueError as error:
        raise PetitionFileError(f"{name}: bad front matter: {error}") from None
    for key, value in data.items():
        expected = FRONT_MATTER_KEYS.get(key)
        if expected is None:
            raise PetitionFileError(f"{name}: unknown key {key!r}")
        if not isinstance(value, expected) or isinstance(value, bool):
            raise PetitionFileError(f"{name}: {key} must be a {expected.__name__}")
    if not SLUG_RE.match(data.get("slug", "")):
        raise PetitionFileError(f"{name}: slug must be lowercase letters, digits and dashes")
    if not data.get("title", "").strip():
        raise PetitionFileError(f"{name}: title is required")
    if data.get("status", "open") not in STATUSES:
        raise PetitionFileError(f"{name}: status must be one of {', '.join(sorted(STATUSES))}")
    data["body_md"] = body.strip()
    data["body_html"] = render_markdown(body)
    return data


def read_petition_file(path):
    """Parse the petition file at path."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PetitionFileError(f"{path}: {error}") from None
    return parse_petition(text, name=str(path))
