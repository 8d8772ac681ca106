"""Every interface string is translatable, extracted, and translated into Spanish."""

import re
from html.parser import HTMLParser

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from conftest import ROOT, TRANSLATIONS
from jinja2 import Environment

TEMPLATES = sorted((ROOT / "templates").glob("*.html"))
LETTER = re.compile(r"[^\W\d_]")
PROSE = re.compile(r"[^\W\d_]\s")  # a word followed by a space: text, not a name or key
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
PROSE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "value"}
GETTEXT_CALLS = {"_", "gettext", "ngettext", "pgettext", "npgettext"}
# Text that is the same in every language: the values of the signer page's action buttons,
# which are sent, never shown.
ALLOWED: set[str] = {"optout", "withdraw"}


class TextFinder(HTMLParser):
    """Collect the text and prose attributes a template writes outside its tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self.skip = [], None

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip = tag
        self.found += [value for name, value in attrs if name in PROSE_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag == self.skip:
            self.skip = None

    def handle_data(self, data):
        if not self.skip:
            self.found.append(data.strip())


def untranslated(source):
    """Return the strings of a template that reach the page without a gettext call."""
    tokens = list(Environment(extensions=["jinja2.ext.i18n"]).lex(source))
    finder = TextFinder()
    # Jinja's own syntax becomes nothing: only the HTML around it is left to read.
    finder.feed("".join(value for _, kind, value in tokens if kind == "data"))
    found = [text for text in finder.found if LETTER.search(text)]
    # A prose string literal inside {{ }} or {% %} must be a message of a gettext call, not
    # a value outside one nor a keyword argument (x="...") of one.
    depth, call_depth, previous = 0, None, None
    for _, kind, value in tokens:
        if value == "(" and kind == "operator":
            depth += 1
            if previous in GETTEXT_CALLS and call_depth is None:
                call_depth = depth
        elif value == ")" and kind == "operator":
            call_depth = None if depth == call_depth else call_depth
            depth -= 1
        elif kind == "string" and (call_depth is None or previous == "=") and PROSE.search(value):
            found.append(value[1:-1])
        previous = value if kind in ("name", "operator") else None
    return [text for text in found if text not in ALLOWED]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.name)
def test_every_template_string_is_wrapped_for_translation(path):
    assert untranslated(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_unwrapped_text_attributes_and_literals():
    source = (
        '<p>{{ _("Fine") }}: {{ n }}</p><p>Sign here</p><nav aria-label="Menu"></nav>'
        '{{ "Plain words" }}{{ _("Ok %(x)s", x="a thing") }}<style>a{color:red}</style>'
    )
    assert untranslated(source) == ["Sign here", "Menu", "Plain words", "a thing"]


def catalog(path):
    with path.open("rb") as file:
        return read_po(file)


def message_ids(path):
    return {
        message.id if isinstance(message.id, str) else tuple(message.id)
        for message in catalog(path)
        if message.id
    }


POT = TRANSLATIONS / "messages.pot"
PO_FILES = sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def test_template_is_current_with_the_code():
    """Fail when a string was added or changed without running `pybabel extract` (README)."""
    with (ROOT / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    # Those of pybabel's defaults that the code uses, and _l (README).
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "ungettext": (1, 2), "_l": None}
    found = extract_from_dir(ROOT, method_map, options_map, keywords=keywords)
    assert {message for _, _, message, *_ in found} == message_ids(POT)


@pytest.mark.parametrize("path", PO_FILES, ids=lambda path: path.parts[-3])
def test_every_catalog_has_every_message_of_the_template(path):
    assert message_ids(path) == message_ids(POT)


def test_spanish_ships_with_its_plural_forms():
    spanish = catalog(TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po")
    assert spanish.num_plurals == 3  # CLDR: one, many (millions: "1.000.000 de firmas"), other
    assert message_ids(TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po") >= message_ids(
        TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
    )


# English is the source language: its catalog may leave messages empty (the msgid shows).
@pytest.mark.parametrize(
    "path", [p for p in PO_FILES if p.parts[-3] != "en"], ids=lambda path: path.parts[-3]
)
def test_every_other_language_translates_every_message_without_fuzzy_entries(path):
    for message in catalog(path):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), f"untranslated: {message.id!r}"
        assert not message.fuzzy, f"fuzzy: {message.id!r}"
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == wanted, f"placeholders: {string!r}"
