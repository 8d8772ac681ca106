"""Action Network: opted-in signers posted to a stand-in of the person signup helper."""

import pytest
from receivers import ActionNetworkStandIn
from test_webhooks import add_partner, deliver_all, outbox_rows, sign_as

from widget.outbox.action_network import signup_body


@pytest.fixture
def action_network():
    with ActionNetworkStandIn() as stand_in:
        yield stand_in


@pytest.fixture
def an_app(make_app, action_network):
    return make_app(ACTION_NETWORK_API_URL=action_network.api_url, OUTBOX_RETRY_SECONDS=0.01)


@pytest.fixture
def an_sign(an_app):
    from conftest import browser_client, sign_through

    client = browser_client(an_app)
    return lambda url, query="", **fields: sign_through(client, url, query, **fields)


def test_opted_in_signers_reach_the_partners_list_tagged(an_app, an_sign, action_network):
    a_key, _ = add_partner(
        an_app, "alpha", "--action-network-key", "key-a", "--action-network-tag", "chicago"
    )
    b_key, _ = add_partner(an_app, "beta", "--action-network-key", "key-b")
    sign_as(an_sign, a_key, "ana@example.org")
    sign_as(an_sign, a_key, "bob@example.org", optin=False)
    sign_as(an_sign, b_key, "carla@example.org")
    deliver_all(an_app)
    assert all(row["status"] == "sent" for row in outbox_rows(an_app))
    people = {token: body for token, body in action_network.people}
    assert set(people) == {"key-a", "key-b"}  # bob did not opt in: nobody got him
    assert people["key-a"] == {
        "person": {
            "given_name": "Ana",
            "family_name": "García",
            "email_addresses": [{"address": "ana@example.org"}],
            "postal_addresses": [{"postal_code": "60608"}],
            "languages_spoken": ["en"],
        },
        "add_tags": ["chicago-welcoming-city", "chicago"],
    }
    assert people["key-b"]["person"]["email_addresses"] == [{"address": "carla@example.org"}]
    assert people["key-b"]["add_tags"] == ["chicago-welcoming-city"]


def test_a_refused_key_fails_visibly(make_app):
    with ActionNetworkStandIn() as stand_in:
        stand_in.answer = lambda handler, body: (403, {"error": "bad key"})
        app = make_app(ACTION_NETWORK_API_URL=stand_in.api_url)
        key, _ = add_partner(app, "alpha", "--action-network-key", "wrong")
        from conftest import browser_client, sign_through

        client = browser_client(app)
        sign_as(lambda url, query="", **f: sign_through(client, url, query, **f), key, "a@b.org")
        deliver_all(app)
    (row,) = outbox_rows(app)
    assert row["status"] == "failed" and "refused the API key" in row["last_error"]


def test_the_stand_in_refuses_a_body_off_the_documented_shape(action_network):
    import httpx

    good = signup_body(
        {"first_name": "A", "last_name": "B", "email": "a@b.org", "postal_code": "1"}, ["t"]
    )
    headers = {"OSDI-API-Token": "k"}
    assert httpx.post(f"{action_network.api_url}/people/", json=good, headers=headers).is_success
    bad = {"person": {"email": "a@b.org"}}
    answer = httpx.post(f"{action_network.api_url}/people/", json=bad, headers=headers)
    assert answer.status_code == 400 and "email_addresses" in answer.text
