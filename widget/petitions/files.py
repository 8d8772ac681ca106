"""Read petition files (TOML front matter + Markdown) and render their text safely."""

import re
import tomllib
from pathlib import Path

import nh3
from babel import Locale, UnknownLocaleError
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

# \A and \Z (never ^ and $, which match before a final newline), and used with fullmatch.
SLUG_RE = re.compile(r"\A[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z")
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
# A translation (name.LANG.md) carries only the text a reader sees; the rest is the main file's.
TRANSLATION_KEYS = {"slug", "lang", "title", "target", "statement", "optin_text", "thanks_text"}
LANG_RE = re.compile(r"\A[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\Z")

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


def valid_language(tag):
    """Tell whether tag is a language tag Babel knows (en, es, pt-BR)."""
    try:
        return bool(LANG_RE.fullmatch(tag)) and bool(Locale.parse(tag, sep="-"))
    except (UnknownLocaleError, ValueError):
        return False


def translation_language(path):
    """Return the language a file name marks as a translation (x.es.md), or None."""
    stem = Path(path).name.removesuffix(".md")
    return stem.split(".", 1)[1] if "." in stem else None


def parse_petition(text, name="petition", translation=None):
    """Split a petition file (or its translation into a language) into front matter and body."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    if not text.startswith("+++\n"):
        raise PetitionFileError(f"{name}: must start with a '+++' line of TOML front matter")
    try:
        front, body = text[4:].split("\n+++\n", 1)
        data = tomllib.loads(front)
    except ValueError as error:
        raise PetitionFileError(f"{name}: bad front matter: {error}") from None
    if translation is not None:
        check_translation(data, translation, name)
    for key, value in data.items():
        expected = FRONT_MATTER_KEYS.get(key)
        if expected is None:
            raise PetitionFileError(f"{name}: unknown key {key!r}")
        if not isinstance(value, expected) or isinstance(value, bool):
            raise PetitionFileError(f"{name}: {key} must be a {expected.__name__}")
    if not valid_language(data.setdefault("lang", "en")):
        raise PetitionFileError(f"{name}: lang must be a language tag such as en or es")
    if not SLUG_RE.fullmatch(str(data.get("slug", ""))):
        raise PetitionFileError(f"{name}: slug must be lowercase letters, digits and dashes")
    if not data.get("title", "").strip():
        raise PetitionFileError(f"{name}: title is required")
    if data.get("status", "open") not in STATUSES:
        raise PetitionFileError(f"{name}: status must be one of {', '.join(sorted(STATUSES))}")
    data["body_md"] = body.strip()
    data["body_html"] = render_markdown(body)
    data["translation"] = translation is not None
    return data


def check_translation(data, lang, name):
    """Refuse a translation that sets what only the main file may, or names another language."""
    if not valid_language(lang):
        raise PetitionFileError(f"{name}: a translation is named SLUG.LANG.md, e.g. x.es.md")
    extra = sorted(set(data) - TRANSLATION_KEYS)
    if extra:
        raise PetitionFileError(f"{name}: set {', '.join(extra)} in the main file, not here")
    if data.setdefault("lang", lang) != lang:
        raise PetitionFileError(f"{name}: lang is {data['lang']!r} but the file name says {lang!r}")


def read_petition_file(path):
    """Parse the petition file at path."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PetitionFileError(f"{path}: {error}") from None
    return parse_petition(text, name=str(path), translation=translation_language(path))
