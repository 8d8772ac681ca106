"""Define the schema as ordered migrations; never edit one that has shipped."""

import sqlite3

from sqlite_utils import Migrations

migrations = Migrations("petition-widget")


def execute_statements(db, script):
    """Run each statement of a script inside the current transaction."""
    # sqlite3's executescript() commits any open transaction first, which would break the
    # BEGIN IMMEDIATE that migrations run in; so run the statements one by one.
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""


@migrations()
def m001_initial_schema(db):
    """Create petitions, partners, signatures, form nonces and the count triggers."""
    execute_statements(
        db,
        """
        CREATE TABLE petitions (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            lang TEXT NOT NULL DEFAULT 'en',
            title TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            statement TEXT NOT NULL DEFAULT '',
            body_md TEXT NOT NULL DEFAULT '',
            body_html TEXT NOT NULL DEFAULT '',
            organization TEXT NOT NULL DEFAULT '',
            optin_text TEXT NOT NULL DEFAULT '',
            thanks_text TEXT NOT NULL DEFAULT '',
            goal INTEGER NOT NULL DEFAULT 0,
            signature_count INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'draft')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE partners (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            optin_text TEXT NOT NULL DEFAULT '',
            origins TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE TABLE signatures (
            id INTEGER PRIMARY KEY,
            petition_id INTEGER NOT NULL REFERENCES petitions(id),
            first_name TEXT NOT NULL,
            last_name TEXT NOT NULL,
            email TEXT NOT NULL,
            email_key TEXT NOT NULL,
            postal_code TEXT NOT NULL,
            partner_id INTEGER REFERENCES partners(id),
            source TEXT NOT NULL DEFAULT '',
            referrer TEXT NOT NULL DEFAULT '',
            optin_org INTEGER NOT NULL DEFAULT 0,
            optin_partner INTEGER NOT NULL DEFAULT 0,
            consent_text TEXT NOT NULL DEFAULT '',
            lang TEXT NOT NULL DEFAULT 'en',
            status TEXT NOT NULL DEFAULT 'counted',
            ip_hash TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            UNIQUE (petition_id, email_key)
        );
        CREATE INDEX signatures_partner ON signatures (partner_id, petition_id);
        CREATE TABLE form_nonces (
            nonce TEXT PRIMARY KEY,
            petition_id INTEGER NOT NULL REFERENCES petitions(id),
            used_at TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX form_nonces_used_at ON form_nonces (used_at);

        -- signature_count changes in the insert's own transaction: no COUNT(*) per request.
        CREATE TRIGGER signatures_count_insert AFTER INSERT ON signatures
        WHEN NEW.status = 'counted' BEGIN
            UPDATE petitions SET signature_count = signature_count + 1 WHERE id = NEW.petition_id;
        END;
        CREATE TRIGGER signatures_count_delete AFTER DELETE ON signatures
        WHEN OLD.status = 'counted' BEGIN
            UPDATE petitions SET signature_count = signature_count - 1 WHERE id = OLD.petition_id;
        END;
        CREATE TRIGGER signatures_count_status AFTER UPDATE OF status ON signatures
        WHEN (OLD.status = 'counted') != (NEW.status = 'counted') BEGIN
            UPDATE petitions
            SET signature_count = signature_count + IIF(NEW.status = 'counted', 1, -1)
            WHERE id = NEW.petition_id;
        END;
        """,
    )


@migrations()
def m002_partner_totals_view(db):
    """Add the partner_totals view: counted signatures per petition, partner and source."""
    db.execute(
        """
        CREATE VIEW partner_totals AS
        SELECT p.slug AS petition, COALESCE(pa.slug, '') AS partner, s.source AS source,
               count(*) AS signatures, sum(s.optin_partner) AS partner_optins
        FROM signatures s
        JOIN petitions p ON p.id = s.petition_id
        LEFT JOIN partners pa ON pa.id = s.partner_id
        WHERE s.status = 'counted'
        GROUP BY p.slug, pa.slug, s.source
        """
    )


@migrations()
def m003_petition_translations(db):
    """Create petition_translations: a petition's text in another language, one row each."""
    execute_statements(
        db,
        """
        CREATE TABLE petition_translations (
            id INTEGER PRIMARY KEY,
            petition_id INTEGER NOT NULL REFERENCES petitions(id),
            lang TEXT NOT NULL,
            title TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            statement TEXT NOT NULL DEFAULT '',
            body_md TEXT NOT NULL DEFAULT '',
            body_html TEXT NOT NULL DEFAULT '',
            optin_text TEXT NOT NULL DEFAULT '',
            thanks_text TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (petition_id, lang)
        );
        """,
    )


@migrations()
def m004_petition_revision(db):
    """Add petitions.revision, which triggers bump whenever anything a page shows changes."""
    # Pages and petitions are cached per process and keyed on this number; a trigger (not the
    # loader) keeps it, so an edit made with sqlite3 by hand shows at once too. The count is
    # not in the list: it changes with every signature and is read fresh anyway.
    execute_statements(
        db,
        """
        ALTER TABLE petitions ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
        CREATE TRIGGER petition_revised AFTER UPDATE OF slug, lang, title, target, statement,
            body_md, body_html, organization, optin_text, thanks_text, goal, status ON petitions
        BEGIN
            UPDATE petitions SET revision = revision + 1 WHERE id = NEW.id;
        END;
        CREATE TRIGGER translation_added AFTER INSERT ON petition_translations
        BEGIN
            UPDATE petitions SET revision = revision + 1 WHERE id = NEW.petition_id;
        END;
        CREATE TRIGGER translation_revised AFTER UPDATE ON petition_translations
        BEGIN
            UPDATE petitions SET revision = revision + 1
            WHERE id IN (OLD.petition_id, NEW.petition_id);
        END;
        CREATE TRIGGER translation_removed AFTER DELETE ON petition_translations
        BEGIN
            UPDATE petitions SET revision = revision + 1 WHERE id = OLD.petition_id;
        END;
        """,
    )


@migrations()
def m005_outbox(db):
    """Create outbox: messages and events to send, written in the transaction they concern."""
    execute_statements(
        db,
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            lane TEXT NOT NULL,
            key TEXT NOT NULL UNIQUE,
            payload TEXT NOT NULL DEFAULT '{}',
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
            attempts INTEGER NOT NULL DEFAULT 0,
            due_at TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            sent_at TEXT,
            last_error TEXT
        );
        CREATE INDEX outbox_due ON outbox (status, due_at);
        """,
    )


@migrations()
def m006_partner_identity(db):
    """Rebuild partners with ids never reused, removed_at and links_version (12-step ALTER)."""
    # SQLite's documented procedure (https://sqlite.org/lang_altertable.html#otheralter), in
    # the migration's transaction; the store turns foreign keys off around migrations and runs
    # foreign_key_check before committing. AUTOINCREMENT: a removed (or hand-deleted) partner's
    # id never goes to the next partner, who would otherwise inherit its signers.
    view = db.execute("SELECT sql FROM sqlite_master WHERE name = 'partner_totals'").fetchone()
    execute_statements(
        db,
        """
        DROP VIEW IF EXISTS partner_totals;
        CREATE TABLE partners_new (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            slug TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            optin_text TEXT NOT NULL DEFAULT '',
            origins TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            removed_at TEXT,
            links_version INTEGER NOT NULL DEFAULT 1
        );
        INSERT INTO partners_new (id, slug, name, optin_text, origins, created_at)
            SELECT id, slug, name, optin_text, origins, created_at FROM partners;
        -- Signatures of a partner deleted by hand keep a (removed) partner row: their history
        -- stays theirs and the foreign key holds.
        INSERT INTO partners_new (id, slug, name, created_at, removed_at)
            SELECT DISTINCT s.partner_id, 'removed-' || s.partner_id, '(removed partner)',
                   strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
            FROM signatures s
            WHERE s.partner_id IS NOT NULL
              AND s.partner_id NOT IN (SELECT id FROM partners_new);
        DROP TABLE partners;
        ALTER TABLE partners_new RENAME TO partners;
        """,
    )
    if view:
        db.execute(view[0])


def _folded_key_m007(email):
    """Return the email key as m007 computes it: casefolded, Gmail dots and +tags removed."""
    # A frozen copy of the rule at the time of this migration (signing has the live one):
    # a shipped migration must keep computing what it computed when it shipped.
    local, _, domain = email.casefold().rpartition("@")
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.split("+", 1)[0].replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


@migrations()
def m007_signer_confirmation(db):
    """Add confirmation columns, petitions.signer_email, the mail quota; fold Gmail aliases."""
    execute_statements(
        db,
        """
        ALTER TABLE signatures ADD COLUMN confirmed_at TEXT;
        ALTER TABLE signatures ADD COLUMN signals TEXT NOT NULL DEFAULT '';
        CREATE INDEX signatures_unconfirmed ON signatures (created_at)
            WHERE status = 'unconfirmed';
        ALTER TABLE petitions ADD COLUMN signer_email TEXT NOT NULL DEFAULT '';
        CREATE TRIGGER petition_signer_email_revised AFTER UPDATE OF signer_email ON petitions
        BEGIN UPDATE petitions SET revision = revision + 1 WHERE id = NEW.id; END;
        CREATE TABLE signer_mail_quota (email_key TEXT NOT NULL, day TEXT NOT NULL,
            sent INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (email_key, day)) WITHOUT ROWID;
        """,
    )
    # Rows whose keys collapse into one: the first signed keeps the key, each later one is
    # kept as 'duplicate' (not counted) with the key and a suffix of its own, since
    # UNIQUE(petition_id, email_key) holds for every row.
    rows = db.execute(
        "SELECT id, petition_id, email, email_key FROM signatures ORDER BY created_at, id"
    ).fetchall()
    holders, changes = set(), []
    for row_id, petition_id, email, old_key in rows:
        key = _folded_key_m007(email)
        if (petition_id, key) in holders:
            changes.append((row_id, f"{key}#duplicate-{row_id}", "duplicate"))
        else:
            holders.add((petition_id, key))
            if key != old_key:
                changes.append((row_id, key, None))
    # Two passes, so that no key is taken while its old holder still has it.
    update = "UPDATE signatures SET email_key = ?, status = coalesce(?, status) WHERE id = ?"
    db.conn.executemany(update, [(f"#m007-{row_id}", None, row_id) for row_id, _, _ in changes])
    db.conn.executemany(update, [(key, status, row_id) for row_id, key, status in changes])


@migrations()
def m008_partner_push(db):
    """Add partners' webhook URL, secret and off switch, and Action Network key and tag."""
    for column in ["webhook_url", "webhook_secret", "webhook_off_reason", "action_network_key"]:
        db.execute(f"ALTER TABLE partners ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE partners ADD COLUMN action_network_tag TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE partners ADD COLUMN webhook_off_at TEXT")


@migrations()
def m009_sharing(db):
    """Add each signature's random ref_code and referred_by, and the petitions' share texts."""
    # ref_code is random (secrets.token_urlsafe), never derived from the email: a shared link
    # names the sharer to nobody. Rows signed before it get a code of their own too.
    execute_statements(
        db,
        """
        ALTER TABLE signatures ADD COLUMN ref_code TEXT;
        ALTER TABLE signatures ADD COLUMN referred_by INTEGER REFERENCES signatures(id);
        UPDATE signatures SET ref_code = lower(hex(randomblob(12))) WHERE ref_code IS NULL;
        CREATE UNIQUE INDEX signatures_ref_code ON signatures (ref_code);
        ALTER TABLE petitions ADD COLUMN share_text TEXT NOT NULL DEFAULT '';
        ALTER TABLE petitions ADD COLUMN image TEXT NOT NULL DEFAULT '';
        ALTER TABLE petitions ADD COLUMN goal_steps INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE petitions ADD COLUMN next_url TEXT NOT NULL DEFAULT '';
        ALTER TABLE petitions ADD COLUMN next_text TEXT NOT NULL DEFAULT '';
        ALTER TABLE petition_translations ADD COLUMN share_text TEXT NOT NULL DEFAULT '';
        ALTER TABLE petition_translations ADD COLUMN next_text TEXT NOT NULL DEFAULT '';
        -- The page cache is keyed on the revision: the new shown columns bump it too.
        DROP TRIGGER petition_revised;
        CREATE TRIGGER petition_revised AFTER UPDATE OF slug, lang, title, target, statement,
            body_md, body_html, organization, optin_text, thanks_text, goal, status,
            share_text, image, goal_steps, next_url, next_text ON petitions
        BEGIN
            UPDATE petitions SET revision = revision + 1 WHERE id = NEW.id;
        END;
        CREATE VIEW share_totals AS
        SELECT p.slug AS petition, substr(s.source, 7) AS channel, count(*) AS signatures
        FROM signatures s JOIN petitions p ON p.id = s.petition_id
        WHERE s.status = 'counted' AND s.source LIKE 'share-%'
        GROUP BY p.slug, s.source;
        """,
    )


@migrations()
def m010_review_and_retention(db):
    """Add signature_events for review and undo, petitions.closed_at, signatures.anonymized_at."""
    # One event per command that changed statuses, one signature_event_rows row per signature
    # it changed (with the status it had), so `review undo` can put back exactly that.
    execute_statements(
        db,
        """
        CREATE TABLE signature_events (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            action TEXT NOT NULL,
            new_status TEXT NOT NULL DEFAULT '',
            command TEXT NOT NULL DEFAULT '',
            changed INTEGER NOT NULL DEFAULT 0,
            undoes INTEGER REFERENCES signature_events(id),
            undone_by INTEGER REFERENCES signature_events(id)
        );
        CREATE TABLE signature_event_rows (
            event_id INTEGER NOT NULL REFERENCES signature_events(id),
            signature_id INTEGER NOT NULL,
            old_status TEXT NOT NULL,
            new_status TEXT NOT NULL,
            PRIMARY KEY (event_id, signature_id)
        ) WITHOUT ROWID;
        CREATE INDEX signature_event_rows_signature ON signature_event_rows (signature_id);
        -- signatures.signals came with m007.
        ALTER TABLE signatures ADD COLUMN anonymized_at TEXT;
        ALTER TABLE petitions ADD COLUMN closed_at TEXT;
        UPDATE petitions SET closed_at = updated_at WHERE status = 'closed';
        -- Retention counts from the close, whoever closed it (a file, the CLI, sqlite3 by hand).
        CREATE TRIGGER petition_closed AFTER UPDATE OF status ON petitions
        WHEN NEW.status = 'closed' AND OLD.status != 'closed' BEGIN
            UPDATE petitions SET closed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
            WHERE id = NEW.id;
        END;
        CREATE TRIGGER petition_reopened AFTER UPDATE OF status ON petitions
        WHEN NEW.status != 'closed' AND OLD.status = 'closed' BEGIN
            UPDATE petitions SET closed_at = NULL WHERE id = NEW.id;
        END;
        CREATE TRIGGER petition_created_closed AFTER INSERT ON petitions
        WHEN NEW.status = 'closed' BEGIN
            UPDATE petitions SET closed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
            WHERE id = NEW.id;
        END;
        """,
    )


@migrations()
def m011_counted_version(db):
    """Add petitions.counted_version: it moves with every change to the counted signatures."""
    # signature_count alone cannot tell when the counted rows changed: one withdrawn and one
    # signed leave it as it was, and the areas of stats.json would stay stale. The triggers
    # that keep the count now also bump the version, in the same statement.
    execute_statements(
        db,
        """
        ALTER TABLE petitions ADD COLUMN counted_version INTEGER NOT NULL DEFAULT 0;
        DROP TRIGGER signatures_count_insert;
        CREATE TRIGGER signatures_count_insert AFTER INSERT ON signatures
        WHEN NEW.status = 'counted' BEGIN
            UPDATE petitions SET signature_count = signature_count + 1,
                counted_version = counted_version + 1
            WHERE id = NEW.petition_id;
        END;
        DROP TRIGGER signatures_count_delete;
        CREATE TRIGGER signatures_count_delete AFTER DELETE ON signatures
        WHEN OLD.status = 'counted' BEGIN
            UPDATE petitions SET signature_count = signature_count - 1,
                counted_version = counted_version + 1
            WHERE id = OLD.petition_id;
        END;
        DROP TRIGGER signatures_count_status;
        CREATE TRIGGER signatures_count_status AFTER UPDATE OF status ON signatures
        WHEN (OLD.status = 'counted') != (NEW.status = 'counted') BEGIN
            UPDATE petitions
            SET signature_count = signature_count + IIF(NEW.status = 'counted', 1, -1),
                counted_version = counted_version + 1
            WHERE id = NEW.petition_id;
        END;
        -- Where a counted signature is (its postal code, its day) changes the areas too.
        CREATE TRIGGER signatures_counted_moved AFTER UPDATE OF postal_code, created_at
        ON signatures WHEN NEW.status = 'counted' AND OLD.status = 'counted' BEGIN
            UPDATE petitions SET counted_version = counted_version + 1
            WHERE id = NEW.petition_id;
        END;
        """,
    )
