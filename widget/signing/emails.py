"""Email keys: one per mailbox, seeing through the aliases providers document as one."""

import secrets

# Gmail ignores dots and anything after a "+" in the local part, and googlemail.com is
# gmail.com (Google's documentation): all of these are one mailbox, so one signature.
GMAIL_DOMAINS = ("gmail.com", "googlemail.com")
# A row that does not hold its address's key (an unconfirmed submission, a duplicate) keeps
# the key with a suffix after "#": no domain contains "#", so the address stays readable.
UNCONFIRMED = "#unconfirmed-"


def normalized_email(address):
    """Return an address in the form's normal form (no DNS lookup), or None if it is invalid."""
    # Imported here: a worker pays ~40 ms once, on its first signature, not every CLI start.
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def email_key(email):
    """Return the key of an address: casefolded, with Gmail's dots and +tags folded away."""
    local, _, domain = email.casefold().rpartition("@")
    if domain in GMAIL_DOMAINS:
        local, domain = local.split("+", 1)[0].replace(".", ""), GMAIL_DOMAINS[0]
    return f"{local}@{domain}"


def unconfirmed_key(key):
    """Return a key of its own for an unconfirmed submission of the address key."""
    return f"{key}{UNCONFIRMED}{secrets.token_hex(6)}"


def split_key(stored):
    """Return (the address's key, the row's own suffix or '') of a stored email_key."""
    at = stored.rfind("@")
    cut = stored.find("#", at)
    return (stored, "") if cut < 0 else (stored[:cut], stored[cut + 1 :])


def suffixed_range(key):
    """Return bounds (low, high) between which every suffixed key of the address lies."""
    return f"{key}#", f"{key}$"  # "$" follows "#": an index range, no LIKE escaping
