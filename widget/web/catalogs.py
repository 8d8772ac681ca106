"""Compile gettext catalogs whose .mo is missing or stale, atomically; find half-translated ones."""

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


def stale_catalogs(directory):
    """Return the .po files under directory whose .mo is missing or older than they are."""
    stale = []
    for po in sorted(Path(directory).glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return stale


def compile_catalog(po):
    """Write po's .mo beside it through a temporary file, so no reader sees half of one."""
    with po.open("rb") as file:
        catalog = read_po(file, locale=po.parts[-3])
    # Fuzzy entries stay out, as with pybabel compile: a guess is not a translation.
    fd, temporary = tempfile.mkstemp(dir=po.parent, prefix=".messages-", suffix=".mo")
    try:
        with os.fdopen(fd, "wb") as file:
            write_mo(file, catalog)
        os.chmod(temporary, 0o644)
        # rename is atomic: several workers starting at once each write a whole file, and
        # whichever lands last wins; a reader opens either the old file or a new whole one.
        os.replace(temporary, po.with_suffix(".mo"))
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def compile_stale(directory, logger):
    """Compile the stale catalogs of directory; log those that cannot be written."""
    for po in stale_catalogs(directory):
        try:
            compile_catalog(po)
        except OSError as error:  # a read-only install: it keeps whatever .mo it shipped
            logger.warning("cannot compile %s (%s): run pybabel compile", po, error)
        else:
            logger.info("compiled %s", po.with_suffix(".mo"))


def read_catalog(path, locale=None):
    """Return the catalog of a .po or .pot file."""
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def missing_translations(po, template=None):
    """Return how many messages of po (and of the template, if given) po leaves untranslated."""
    catalog = read_catalog(po, locale=po.parts[-3])
    missing = 0
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and (message.fuzzy or not all(s.strip() for s in strings)):
            missing += 1
    if template is not None and template.exists():
        missing += sum(1 for m in read_catalog(template) if m.id and m.id not in catalog)
    return missing


def half_translated(directory, source_language, logger):
    """Return the languages under directory whose .po leaves messages untranslated."""
    languages = set()
    for po in sorted(Path(directory).glob("*/LC_MESSAGES/messages.po")):
        language = po.parts[-3]
        if language == source_language:  # the msgid is the text: it may leave all empty
            continue
        if missing := missing_translations(po, Path(directory) / "messages.pot"):
            logger.warning("%s leaves %d messages untranslated: not offered", po, missing)
            languages.add(language)
    return languages
