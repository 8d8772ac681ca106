"""Name what the sender can deliver (kinds), what it runs on a schedule (jobs), and outcomes."""

from dataclasses import dataclass, field

EXTENSION = "widget.outbox"


@dataclass(frozen=True)
class Delivered:
    """The message reached its destination."""


@dataclass(frozen=True)
class Retry:
    """Try again later: with backoff, or after that many seconds (e.g. a Retry-After)."""

    reason: str
    after_seconds: float | None = None


@dataclass(frozen=True)
class Failed:
    """Never try again; the message stays visible in `outbox status` and `outbox list --failed`."""

    reason: str


@dataclass(frozen=True)
class Cancelled:
    """Nothing to send any more (e.g. the signature was withdrawn first)."""

    reason: str


@dataclass(frozen=True)
class Kind:
    name: str
    deliver: object
    give_up_after_seconds: float


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: float
    func: object


@dataclass
class Registry:
    kinds: dict = field(default_factory=dict)
    jobs: dict = field(default_factory=dict)


def registry(app):
    """Return the app's registry of kinds and jobs."""
    return app.extensions.setdefault(EXTENSION, Registry())


def register_kind(app, kind, deliver, *, give_up_after_seconds=3 * 86400):
    """Have the sender deliver messages of kind with deliver(item) -> outcome."""
    registry(app).kinds[kind] = Kind(kind, deliver, give_up_after_seconds)


def register_job(app, name, every_seconds, func):
    """Have the sender run func(db) at its start and then every every_seconds."""
    registry(app).jobs[name] = Job(name, every_seconds, func)


def init_app(app):
    """Give the app an empty registry, and the sender's own job of pruning sent messages."""
    from .sender import prune_sent

    registry(app)
    register_job(app, "outbox-prune-sent", 3600, prune_sent)
