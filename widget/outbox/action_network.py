"""Add opted-in signers to a partner's Action Network list through the person signup helper."""

from typing import NamedTuple

from .registry import Cancelled, Delivered, Failed, Retry
from .webhooks import post, retry_after

KIND = "action-network"


class Account(NamedTuple):
    """A partner's Action Network API key, and the tag its signers get (may be empty)."""

    api_key: str
    tag: str


def signup_body(person, tags):
    """Return the person signup helper's body, fields as Action Network's API documents them."""
    # https://actionnetwork.org/docs/v2/person_signup_helper: a person in the OSDI person
    # format, and add_tags (tag names that exist in the list; unknown ones are ignored).
    body = {
        "person": {
            "given_name": person["first_name"],
            "family_name": person["last_name"],
            "email_addresses": [{"address": person["email"]}],
            "postal_addresses": [{"postal_code": person["postal_code"]}],
        }
    }
    if person.get("lang"):
        body["person"]["languages_spoken"] = [person["lang"]]
    tags = [tag for tag in tags if tag]
    if tags:
        body["add_tags"] = tags
    return body


class ActionNetworkSender:
    """POST one signer to {api_url}/people/ with the partner's OSDI-API-Token."""

    def __init__(self, resolve, api_url, timeout=10.0):
        self.resolve = resolve  # resolve(lane) -> Account or None (key removed, partner gone)
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout

    def deliver(self, item):
        """Send the signup; 2xx delivered, a refused key fails, other answers retry."""
        account = self.resolve(item.lane)
        if account is None:
            return Cancelled("no Action Network key for this partner any more")
        tags = [*item.payload.get("tags", []), account.tag]
        headers = {"OSDI-API-Token": account.api_key, "Content-Type": "application/json"}
        response = post(
            self.timeout,
            f"{self.api_url}/people/",
            json=signup_body(item.payload["person"], tags),
            headers=headers,
        )
        if isinstance(response, Retry):
            return response
        status = response.status_code
        if 200 <= status < 300:
            return Delivered()
        if status in (401, 403):
            # A wrong or revoked key stays wrong: retrying for three days would only hide it.
            return Failed(f"Action Network refused the API key (HTTP {status})")
        return Retry(f"HTTP {status} from Action Network", retry_after(response))
