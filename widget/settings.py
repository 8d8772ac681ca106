"""Declare every setting once, with its default and a line of help."""

from typing import Any, NamedTuple


class Setting(NamedTuple):
    name: str
    default: Any
    help: str


SETTINGS = [
    Setting(
        "SECRET_KEY",
        None,
        "Signs form tokens, partner keys and export links, and keys the IP hash; at least 32 "
        "characters, or the service refuses to start. Unset: a random key is generated once "
        "and kept in `instance/secret_key`.",
    ),
    Setting(
        "DATABASE",
        "instance/widget.db",
        "Path of the SQLite database; relative paths are relative to the checkout.",
    ),
    Setting(
        "PUBLIC_URL",
        "http://127.0.0.1:5000",
        "Public base URL of the service, used in snippets and export links.",
    ),
    Setting(
        "PETITIONS_DIR",
        "petitions",
        "Folder of petition files loaded automatically when the database has no petitions.",
    ),
    Setting(
        "MIN_FILL_SECONDS",
        2.0,
        "A form sent sooner than this after it was served is refused as automated.",
    ),
    Setting(
        "FORM_MAX_AGE",
        86400,
        "Seconds a served form stays valid; older forms ask the signer to send again.",
    ),
    Setting(
        "COUNT_CACHE_SECONDS",
        5,
        "`max-age` and `s-maxage` of `count.json`: browsers and CDNs reuse a count this long, "
        "serve it stale twice as long while revalidating, and five times as long if the "
        "service fails.",
    ),
    Setting(
        "STATS_MIN_GROUP",
        10,
        "Smallest area `stats.json` shows on its own: smaller ones are merged into `other` (and "
        "`other` is never shown smaller than this either), so no small area identifies anyone.",
    ),
    Setting(
        "STATS_TOP_AREAS",
        5,
        "Postal codes with the most signatures that the petition's page lists, merged as in "
        "`stats.json` (none under `STATS_MIN_GROUP`); 0 lists none.",
    ),
    Setting(
        "RETENTION_DAYS",
        180,
        "Days after a petition closes before `purge` anonymizes its signatures (names, email, "
        "IP hash, consent text); counts and statistics stay.",
    ),
    Setting(
        "STATIC_CACHE_SECONDS",
        3600,
        "`max-age` of `/static/` files such as `embed.js`; an update reaches returning visitors "
        "within this time.",
    ),
    Setting(
        "FRAME_ANCESTORS",
        "*",
        "Default `frame-ancestors` of embed routes: which sites may frame the widget.",
    ),
    Setting(
        "METRICS_TOKEN",
        None,
        "Bearer token that `GET /metrics` requires (`Authorization: Bearer TOKEN`); unset, "
        "`/metrics` answers 404.",
    ),
    Setting(
        "REQUEST_LOG",
        False,
        "`True` logs one JSON line per request to stderr (method, endpoint, route, status, "
        "milliseconds), never an address, a query string or a token.",
    ),
    Setting(
        "SQLITE_BUSY_TIMEOUT_MS",
        5000,
        "How long a write waits for SQLite's single writer lock before failing.",
    ),
    Setting(
        "SQLITE_SYNCHRONOUS",
        "NORMAL",
        "SQLite `synchronous` pragma: NORMAL survives a killed process, FULL also power loss.",
    ),
    Setting(
        "MAX_CONTENT_LENGTH",
        16 * 1024,
        "Largest request body accepted, in bytes; larger requests get a 413 page.",
    ),
    Setting(
        "TRUSTED_PROXIES",
        0,
        "Reverse proxies in front of the service whose `X-Forwarded-For` and "
        "`X-Forwarded-Proto` are believed; 0 trusts none, so clients cannot forge their address.",
    ),
    Setting(
        "SIGN_RATE_LIMITS",
        "100 per minute; 1000 per hour; 5000 per day",
        "How many times one address (IPv6: one /64) may send the sign form, as flask-limiter "
        "limits separated by `;`. Page views never count. Generous: schools and rallies share "
        "one address.",
    ),
    Setting(
        "RATELIMIT_ENABLED",
        True,
        "`False` turns the sign rate limits off.",
    ),
    Setting(
        "RATELIMIT_STRATEGY",
        "sliding-window-counter",
        "flask-limiter strategy: `sliding-window-counter`, `moving-window` or `fixed-window`.",
    ),
    Setting(
        "RATELIMIT_STORAGE_URI",
        "local://",
        "Where rate limit counters live. `local://` (widget/limit_storage.py) is per process, "
        "like limits' `memory://` but without its sweep thread: with several gunicorn workers "
        "or hosts use Redis (`redis://127.0.0.1:6379/0`) so they share one budget.",
    ),
    Setting(
        "OUTBOX_POLL_SECONDS",
        1.0,
        "How often the outbox sender looks for new messages when it has nothing due.",
    ),
    Setting(
        "OUTBOX_BATCH",
        100,
        "Messages of one lane (one destination) the sender takes at a time.",
    ),
    Setting(
        "OUTBOX_THREADS",
        8,
        "Lanes the sender delivers at once, each in its own thread: a slow destination holds "
        "only its own.",
    ),
    Setting(
        "OUTBOX_RETRY_SECONDS",
        30.0,
        "First wait before a message is tried again; it doubles with each try (with jitter).",
    ),
    Setting(
        "OUTBOX_RETRY_MAX_SECONDS",
        3600.0,
        "Longest wait between two tries of a message.",
    ),
    Setting(
        "OUTBOX_KEEP_SENT_DAYS",
        30,
        "Days a sent message stays in the `outbox` table before the sender deletes it.",
    ),
    Setting(
        "MAIL_SERVER",
        None,
        "SMTP server the outbox sender delivers mail to. Unset: each message is written as an "
        "`.eml` file under `MAIL_FILE_DIR` and its link is logged, so the demo needs no setup.",
    ),
    Setting("MAIL_PORT", 25, "SMTP port (`465` with `MAIL_USE_SSL`, `587` with `MAIL_USE_TLS`)."),
    Setting("MAIL_USE_TLS", False, "Upgrade the SMTP connection with STARTTLS."),
    Setting("MAIL_USE_SSL", False, "Connect to the SMTP server over TLS from the start."),
    Setting("MAIL_USERNAME", None, "SMTP login name; unset: no login."),
    Setting("MAIL_PASSWORD", None, "SMTP password."),
    Setting(
        "MAIL_DEFAULT_SENDER",
        None,
        "`From` of every message, e.g. `Campaign <petitions@example.org>`. Unset: "
        "`no-reply@` the host of `PUBLIC_URL`.",
    ),
    Setting(
        "MAIL_CONNECTIONS",
        4,
        "SMTP connections the sender keeps open side by side (one per mail lane); lower it if "
        "your provider limits concurrent connections.",
    ),
    Setting("MAIL_TIMEOUT", 30.0, "Seconds an SMTP connection may stay silent before a retry."),
    Setting(
        "MAIL_FILE_DIR",
        "instance/mail",
        "Where messages are written as `.eml` files when `MAIL_SERVER` is unset.",
    ),
    Setting(
        "SIGNER_EMAIL",
        "none",
        "What signers get by mail unless a petition's `signer_email` says otherwise: `none`; "
        "`receipt` (counted at once, an email with the signer's link); `confirm` (counted once "
        "the address is confirmed from that email).",
    ),
    Setting(
        "SIGNER_LINK_DAYS",
        60,
        "Days the link in a signer's email (`/s/<token>`) keeps working.",
    ),
    Setting(
        "SIGNER_MAILS_PER_DAY",
        3,
        "Most messages one address gets from sign submissions in a day (UTC), so the form "
        "cannot flood an inbox; further submissions are stored but not mailed.",
    ),
    Setting(
        "CONFIRM_REMIND_HOURS",
        24,
        "Hours after which an unconfirmed signature gets one reminder.",
    ),
    Setting(
        "CONFIRM_EXPIRE_DAYS",
        7,
        "Days after which the sender deletes an unconfirmed signature and its mail.",
    ),
    Setting(
        "WEBHOOK_URL",
        "",
        "The organization's own webhook endpoint: every counted signature, with its opt-in "
        "flags, is sent there (Standard Webhooks). Empty: none.",
    ),
    Setting(
        "WEBHOOK_SECRET",
        "",
        "The secret that signs the organization's webhooks: `whsec_` then base64 of 24 to 64 "
        "random bytes (`partner webhook` prints such secrets for partners).",
    ),
    Setting(
        "WEBHOOK_TIMEOUT_SECONDS",
        10.0,
        "How long the sender waits for a webhook or Action Network answer before retrying later.",
    ),
    Setting(
        "ACTION_NETWORK_API_URL",
        "https://actionnetwork.org/api/v2",
        "Base URL of Action Network's API; partners' signers are posted to `/people/` under it.",
    ),
]

DEFAULTS = {setting.name: setting.default for setting in SETTINGS}
