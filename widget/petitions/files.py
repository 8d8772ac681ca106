"""Read petition files (TOML front matter + Markdown) and render their text safely."""

import functools
import re
import tomllib
from pathlib import Path

import nh3
from babel import Locale, UnknownLocaleError

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
    # Sharing and momentum (issue 15): keep these together.
    "share_text": str,
    "image": str,
    "goal_steps": bool,
    "next_url": str,
    "next_text": str,
    "signer_email": str,
}
SIGNER_EMAIL_MODES = ("none", "receipt", "confirm")
STATUSES = {"open", "closed", "draft"}
# A translation (name.LANG.md) carries only the text a reader sees; the rest is the main file's.
TRANSLATION_KEYS = {"slug", "lang", "title", "target", "statement", "optin_text", "thanks_text"}
TRANSLATION_KEYS |= {"share_text", "next_text"}
IMAGE_RE = re.compile(r"\A(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9_./-]*\.(?:png|jpe?g|webp|gif)\Z")
URL_RE = re.compile(r"\Ahttps?://[^\s<>\"']+\Z")
LANG_RE = re.compile(r"\A[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\Z")

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


@functools.cache
def markdown_renderer():
    """Return the CommonMark renderer with footnotes, built on first use."""
    # Imported here: only loading a petition file renders Markdown, and every CLI start paid
    # ~65 ms for markdown-it.
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    return MarkdownIt("commonmark").use(footnote_plugin)


def render_markdown(text):
    """Render Markdown with footnotes to sanitized HTML."""
    html = markdown_renderer().render(text)
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
        if not isinstance(value, expected) or isinstance(value, bool) != (expected is bool):
            raise PetitionFileError(f"{name}: {key} must be a {expected.__name__}")
    if not valid_language(data.setdefault("lang", "en")):
        raise PetitionFileError(f"{name}: lang must be a language tag such as en or es")
    if not SLUG_RE.fullmatch(str(data.get("slug", ""))):
        raise PetitionFileError(f"{name}: slug must be lowercase letters, digits and dashes")
    if not data.get("title", "").strip():
        raise PetitionFileError(f"{name}: title is required")
    if data.get("status", "open") not in STATUSES:
        raise PetitionFileError(f"{name}: status must be one of {', '.join(sorted(STATUSES))}")
    check_sharing(data, name)
    if data.get("signer_email", "none") not in SIGNER_EMAIL_MODES:
        raise PetitionFileError(
            f"{name}: signer_email must be one of {', '.join(SIGNER_EMAIL_MODES)}"
        )
    if translation is None:
        data.setdefault("signer_email", "")  # removed from the file: the site's default again
    data["body_md"] = body.strip()
    data["body_html"] = render_markdown(body)
    data["translation"] = translation is not None
    return data


def check_sharing(data, name):
    """Refuse an image outside the petitions folder or a next action that is not a web link."""
    if data.get("image") and not IMAGE_RE.match(data["image"]):
        raise PetitionFileError(
            f"{name}: image must be a .png, .jpg, .webp or .gif file beside the petition file"
        )
    if data.get("next_url") and not URL_RE.match(data["next_url"]):
        raise PetitionFileError(f"{name}: next_url must be an http:// or https:// address")


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
    data = parse_petition(text, name=str(path), translation=translation_language(path))
    if data.get("image") and not (path.parent / data["image"]).is_file():
        raise PetitionFileError(f"{path}: image {data['image']!r} is not a file beside it")
    return data
