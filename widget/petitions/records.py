"""Store petitions: look them up, create or update them (and translations) from files."""

from pathlib import Path

from flask import abort, current_app

from ..store.db import get_db, utc_now
from .files import PetitionFileError, read_petition_file

STORED_KEYS = (
    "lang",
    "title",
    "target",
    "statement",
    "body_md",
    "body_html",
    "organization",
    "optin_text",
    "thanks_text",
    "goal",
    "status",
    "signer_email",
)
# What a translation replaces; a field it leaves empty shows the main file's text.
TRANSLATED_KEYS = (
    "title",
    "target",
    "statement",
    "body_md",
    "body_html",
    "optin_text",
    "thanks_text",
)


def signer_email_mode(petition):
    """Return what signers of a petition get by mail: none, receipt or confirm."""
    return petition.get("signer_email") or current_app.config["SIGNER_EMAIL"]


def get_petition(slug):
    """Return the petition with this slug, or None."""
    return next(get_db().query("SELECT * FROM petitions WHERE slug = ?", [slug]), None)


def get_petition_or_404(slug):
    """Return the petition with this slug that the public may see, or answer 404."""
    petition = get_petition(slug)
    if petition is None or petition["status"] == "draft":
        abort(404)
    return petition


def save_petition(db, data):
    """Create or update a petition by slug inside the caller's transaction; True if created."""
    values = {key: data[key] for key in STORED_KEYS if key in data}
    values["updated_at"] = utc_now()
    row = db.execute("SELECT id FROM petitions WHERE slug = ?", [data["slug"]]).fetchone()
    if row:
        assignments = ", ".join(f"{key} = :{key}" for key in values)
        db.execute(f"UPDATE petitions SET {assignments} WHERE id = :id", {**values, "id": row[0]})  # noqa: S608
        return False
    values.update(slug=data["slug"], created_at=values["updated_at"])
    columns = ", ".join(values)
    placeholders = ", ".join(f":{key}" for key in values)
    db.execute(f"INSERT INTO petitions ({columns}) VALUES ({placeholders})", values)  # noqa: S608
    return True


def save_translation(db, data):
    """Create or update a petition's translation inside the caller's transaction."""
    row = db.execute("SELECT id, lang FROM petitions WHERE slug = ?", [data["slug"]]).fetchone()
    if row is None:
        raise PetitionFileError(f"no petition {data['slug']!r} to translate: load its file first")
    if row[1] == data["lang"]:
        raise PetitionFileError(f"petition {data['slug']!r} is already in {data['lang']!r}")
    values = {key: data.get(key, "") for key in TRANSLATED_KEYS}
    now = utc_now()
    values.update(petition_id=row[0], lang=data["lang"], created_at=now, updated_at=now)
    db.execute(
        "INSERT INTO petition_translations (petition_id, lang, title, target, statement,"
        " body_md, body_html, optin_text, thanks_text, created_at, updated_at)"
        " VALUES (:petition_id, :lang, :title, :target, :statement, :body_md, :body_html,"
        " :optin_text, :thanks_text, :created_at, :updated_at)"
        " ON CONFLICT (petition_id, lang) DO UPDATE SET title = :title, target = :target,"
        " statement = :statement, body_md = :body_md, body_html = :body_html,"
        " optin_text = :optin_text, thanks_text = :thanks_text, updated_at = :updated_at",
        values,
    )


def with_translations(paths):
    """Return the files to load: those given and each main file's translations, mains first."""
    found = {}
    for path in map(Path, paths):
        found.setdefault(path.resolve(), path)
        if "." not in path.name.removesuffix(".md"):
            for sibling in sorted(path.parent.glob(f"{path.name.removesuffix('.md')}.*.md")):
                found.setdefault(sibling.resolve(), sibling)
    # A translation needs its petition stored first.
    return sorted(found.values(), key=lambda path: "." in path.name.removesuffix(".md"))


def shipped_petition_files():
    """List the petition files in PETITIONS_DIR, translations after the files they translate."""
    return with_translations(sorted(Path(current_app.config["PETITIONS_DIR"]).glob("*.md")))


def save_parsed(db, data):
    """Store a parsed petition file or translation; return what was stored, for a message."""
    if data["translation"]:
        existed = db.execute(
            "SELECT 1 FROM petition_translations t JOIN petitions p ON p.id = t.petition_id"
            " WHERE p.slug = ? AND t.lang = ?",
            [data["slug"], data["lang"]],
        ).fetchone()
        save_translation(db, data)
        return f"{'Updated' if existed else 'Created'} translation {data['slug']} ({data['lang']})"
    created = save_petition(db, data)
    return f"{'Created' if created else 'Updated'} petition {data['slug']}"


def load_shipped_petitions(db):
    """Load every shipped petition file into an empty database (inside its transaction)."""
    if db.execute("SELECT 1 FROM petitions LIMIT 1").fetchone():
        return
    for path in shipped_petition_files():
        save_parsed(db, read_petition_file(path))
