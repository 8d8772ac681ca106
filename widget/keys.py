"""Derive what SECRET_KEY signs and keys, once per key and purpose."""

import functools
import hashlib

from flask import current_app
from itsdangerous import Signer, TimestampSigner, URLSafeSerializer


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


@functools.lru_cache(maxsize=32)
def _timestamp_signer_for(secret_key, salt):
    return TimestampSigner(secret_key, salt=salt)


def timestamp_signer(salt):
    """Return the signer for one purpose whose tokens carry their time, so they can expire."""
    return _timestamp_signer_for(current_app.secret_key, salt)
