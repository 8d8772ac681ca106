"""Derive what SECRET_KEY signs and keys, once per key and purpose."""

import functools
import hashlib
import os
import secrets
import stat
import tempfile
from pathlib import Path

from flask import current_app
from itsdangerous import Signer, URLSafeSerializer


@functools.lru_cache(maxsize=32)
def _serializer_for(secret_key, salt):
    return URLSafeSerializer(secret_key, salt=salt)


def serializer(salt):
    """Return the signer for one purpose (one salt each: a token of one kind is no other)."""
    return _serializer_for(current_app.secret_key, salt)


@functools.lru_cache(maxsize=32)
def _signer_for(secret_key, salt):
    return Signer(secret_key, salt=salt)


def signer(salt):
    """Return the plain signer for one purpose: signs a string, with no JSON around it."""
    return _signer_for(current_app.secret_key, salt)


@functools.lru_cache(maxsize=32)
def _derived_key_for(secret_key, purpose):
    return hashlib.sha256(purpose.encode() + b":" + secret_key.encode()).digest()


def derived_key(purpose):
    """Return a key for one purpose derived from SECRET_KEY (hashed once, not per request)."""
    return _derived_key_for(current_app.secret_key, purpose)


MIN_SECRET_KEY_LENGTH = 32
MAKE_A_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


class WeakSecretKey(RuntimeError):
    """SECRET_KEY is too short to sign anything with."""


def checked_secret_key(key, where):
    """Return key if it is long enough to sign with; otherwise stop, saying how to make one."""
    if not isinstance(key, str | bytes) or len(key) < MIN_SECRET_KEY_LENGTH:
        length = len(key) if isinstance(key, str | bytes) else 0
        raise WeakSecretKey(
            f"SECRET_KEY from {where} is {length} characters long; it needs at least "
            f"{MIN_SECRET_KEY_LENGTH}. Make one with: {MAKE_A_KEY}"
        )
    return key


def stored_secret_key(path, logger):
    """Return the key kept at path, creating it once, atomically, so workers share it."""
    path = Path(path)
    if not path.exists():
        write_new_key(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        logger.warning(
            "%s is readable by other users (mode %o): run chmod 600 %s", path, mode, path
        )
    where = f"{path} (delete it to have a new one made, or set SECRET_KEY)"
    return checked_secret_key(path.read_text().strip(), where)


def write_new_key(path):
    """Write a fresh random key to path, whole or not at all; the first writer wins a race."""
    # A key written in place could be read half-written (empty) by a process starting beside
    # us, or left empty by a crash: write a private temporary file, flush it to disk, then
    # link it into place, which fails if another process got there first (its key stands).
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(32))
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)  # the new name survives a power cut too
        finally:
            os.close(directory)
    finally:
        os.unlink(temporary)
