"""Bad input: each case gets a clear 4xx page or form error, never a 500, never a partial row."""

import unicodedata
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from conftest import SLUG, form_token, table_counts
from email_validator import validate_email
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

URL = f"/p/{SLUG}/embed"
FORM = "application/x-www-form-urlencoded"
hypothesis_settings = settings(
    max_examples=200,
    deadline=None,
    database=None,  # no .hypothesis folder in the checkout
    # One app and database serve every example; each example compares before and after.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def unlimited(app):
    """Raise the sign limits so that many examples from one address are not a 429."""
    app.config["SIGN_RATE_LIMITS"] = "100000 per minute"
    return app


def valid_fields(client, url=URL, email="ana@example.org"):
    return [
        ("first_name", "Ana"),
        ("last_name", "García"),
        ("email", email),
        ("postal_code", "60608"),
        ("csrf_token", form_token(client.get(url))),
    ]


def post_raw(client, body, content_type=FORM, method="POST", url=URL):
    headers = {"Content-Type": content_type} if content_type else {}
    return client.open(url, method=method, data=body, headers=headers)


def encoded(fields):
    return urlencode(fields).encode()


def clean(value):
    """Return a sent value as the form keeps it: NFC, trimmed."""
    return unicodedata.normalize("NFC", value).strip()


def assert_stored_as_sent(row, sent):
    """Check that a stored signature holds exactly what was sent, as the form normalizes it."""
    assert row["first_name"] == clean(sent["first_name"])
    assert row["last_name"] == clean(sent["last_name"])
    email = validate_email(clean(sent["email"]), check_deliverability=False).normalized
    assert (row["email"], row["email_key"]) == (email, email.casefold())
    assert row["postal_code"] == clean(sent["postal_code"]).upper()
    assert row["optin_org"] == int(sent.get("optin_org", "") not in ("", "false"))
    for value in (row["first_name"], row["last_name"], row["email"], row["postal_code"]):
        assert value and unicodedata.is_normalized("NFC", value)
        assert not any(unicodedata.category(char) in {"Cc", "Cs", "Co"} for char in value)


@pytest.mark.parametrize(
    ("make_body", "status", "message"),
    [
        (lambda f: encoded(f) + b"&pad=" + b"x" * 20000, 413, "too large"),
        (lambda f: encoded(f).replace(b"first_name=Ana", b"first_name=An%FFa"), 400, "not right"),
        (lambda f: encoded(f).replace(b"first_name=Ana", b"first_name=An\xffa"), 400, "not right"),
        (lambda f: encoded(f).replace(b"last_name=", b"last_name=%C0%AF"), 400, "not right"),
        (lambda f: encoded(f) + b"&first_name=Eve", 400, "not right"),
        (lambda f: encoded(f) + b"&csrf_token=" + quote(f[4][1]).encode(), 400, "not right"),
        (lambda f: encoded(f).replace(b"first_name=Ana", b"first_name=A%00na"), 422, "unusual"),
        (lambda f: encoded(f).replace(b"first_name=Ana", b"first_name=A%1Bna"), 422, "unusual"),
        (
            lambda f: encoded(f).replace(b"first_name=Ana", b"first_name=A%EF%BF%BDa"),
            422,
            "unusual",
        ),
        (lambda f: encoded(f).replace(b"first_name=Ana", b"first_name=" + b"A" * 5000), 422, "100"),
        (lambda f: encoded(f).replace(b"email=ana", b"email=" + b"a" * 300), 422, "valid email"),
        (
            lambda f: encoded(f).replace(b"postal_code=60608", b"postal_code=" + b"6" * 13),
            422,
            "ZIP",
        ),
        (lambda f: encoded(f[:4]), 400, "could not verify"),
        (lambda f: encoded(f[4:]), 422, "Please enter your first name"),
        (lambda f: b"", 400, "could not verify"),
        (lambda f: b"&&&===&&", 400, "could not verify"),
    ],
    ids=[
        "too-large",
        "invalid-utf8-escaped",
        "invalid-utf8-raw",
        "overlong-utf8",
        "duplicated-field",
        "duplicated-token",
        "nul",
        "escape-character",
        "replacement-character",
        "absurd-name",
        "absurd-email",
        "absurd-postal-code",
        "missing-token",
        "missing-fields",
        "empty-body",
        "garbage-body",
    ],
)
def test_bad_bodies_are_refused_clearly_and_change_nothing(client, db, make_body, status, message):
    fields = valid_fields(client)
    before = table_counts(db)
    response = post_raw(client, make_body(fields))
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert 'class="embed"' in response.get_data(as_text=True)  # still the compact frame page
    assert table_counts(db) == before


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/xml",
        "application/x-www-form-urlencodedx",
    ],
)
def test_wrong_content_types_get_415(client, db, content_type):
    body = encoded(valid_fields(client))
    if content_type == "application/json":
        body = b'{"first_name": "Ana"}'
    before = table_counts(db)
    response = post_raw(client, body, content_type)
    assert response.status_code == 415
    assert "not right" in response.get_data(as_text=True)
    assert table_counts(db) == before


def test_form_type_with_a_charset_parameter_is_accepted(client, db):
    response = post_raw(client, encoded(valid_fields(client)), FORM + "; charset=UTF-8")
    assert response.status_code == 303


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_methods_that_are_not_allowed_get_405(client, db, method):
    before = table_counts(db)
    response = post_raw(client, encoded(valid_fields(client)), method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert table_counts(db) == before


@pytest.mark.parametrize(
    ("url", "status"),
    [("/p/no-such-petition/embed", 404), ("/p/secret/embed", 404), ("/p/over/embed", 409)],
    ids=["unknown", "draft", "closed"],
)
def test_unknown_draft_and_closed_petitions_take_nothing(client, db, make_petition, url, status):
    make_petition(slug="secret", status="draft")
    make_petition(slug="over", status="closed")
    before = table_counts(db)
    body = encoded(valid_fields(client))  # a valid token, but for another petition
    response = post_raw(client, body, url=url)
    assert response.status_code == status
    assert table_counts(db) == before


text_values = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]),  # what UTF-8 can carry at all
    max_size=150,
)


# Names as people write them, in any script, so that many examples are thanked and checked.
names = st.text(alphabet=st.characters(categories=["L", "M", "Zs", "Pd"]), min_size=1, max_size=100)


@hypothesis_settings
@given(
    first_name=st.one_of(text_values, names),
    last_name=st.one_of(text_values, names),
    email=st.one_of(text_values, st.emails()),
    postal_code=st.one_of(text_values, st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 -]{0,11}")),
)
def test_any_form_input_is_stored_whole_or_not_at_all(
    unlimited, client, db, first_name, last_name, email, postal_code
):
    # Each example starts with no signature, so a repeated address is a new signer again.
    db.execute("DELETE FROM signatures")
    fields = dict(valid_fields(client))
    fields.update(first_name=first_name, last_name=last_name, email=email, postal_code=postal_code)
    before = table_counts(db)
    response = client.post(URL, data=fields)
    after = table_counts(db)
    assert response.status_code in {303, 413, 422}
    if response.status_code != 303:
        assert after == before
        return
    assert after["form_nonces"] == before["form_nonces"] + 1
    [row] = db.query("SELECT * FROM signatures")
    assert_stored_as_sent(row, fields)


field_names = st.sampled_from(
    ["first_name", "last_name", "email", "postal_code", "csrf_token", "optin_org", "website", "x"]
)
raw_values = st.one_of(
    st.binary(max_size=40).map(lambda b: quote(b).encode()),  # any bytes, percent-encoded
    st.binary(max_size=40),  # any bytes, raw
    st.sampled_from([b"Ana", b"ana@example.org", b"60608", b"", b"%00", b"%FF", b"y"]),
)


# Text a person types (percent-encoded as a browser sends it), or nothing at all.
typed_values = st.one_of(
    st.text(max_size=20).map(lambda text: quote(text).encode()),
    st.sampled_from([b"", b"y", b"Ana", b"http://spam.example"]),
)


@st.composite
def raw_bodies(draw, keep_share=None, values=raw_values, extra_names=field_names):
    """Draw changes to the fields a browser sends (keep, drop or replace each), and more."""
    change = st.one_of(st.just("keep"), st.just("keep"), st.just("drop"), values)
    if keep_share is not None:  # keep each field this often (0 to 1), else change it
        other = change
        kept = st.sampled_from(range(100)).map(lambda n: n < keep_share * 100)
        change = kept.flatmap(lambda keep: st.just("keep") if keep else other)
    changes = draw(st.lists(change, min_size=6, max_size=6))
    extra = draw(st.lists(st.tuples(extra_names, values), max_size=3))
    return changes, [name.encode() + b"=" + value for name, value in extra]


def decode_form(body):
    """Return the body's fields as a browser meant them, or None if it is not valid UTF-8."""
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None


def raw_request(client, db, body, content_type=FORM, method="POST", url=URL):
    """Send a raw request built from drawn changes; check its answer and what it stored."""
    changes, extra = body
    valid = []
    # What a browser sends, the empty honeypot included: a change may fill it.
    sent_by_browser = [*valid_fields(client, email="raw@example.org"), ("website", "")]
    for (name, value), change in zip(sent_by_browser, changes, strict=True):
        if change == "keep":
            valid.append(f"{name}={quote(value)}".encode())
        elif change != "drop":
            valid.append(name.encode() + b"=" + change)
    body = b"&".join(valid + extra)
    db.execute("DELETE FROM signatures")  # so that raw@example.org signs anew in each example
    before = table_counts(db)
    response = post_raw(client, body, content_type, method, url)
    assert response.status_code in {303, 400, 404, 405, 413, 415, 422}
    rows = list(db.query("SELECT * FROM signatures"))
    if response.status_code != 303:
        assert table_counts(db) == before
        return
    fields = decode_form(body)
    assert fields is not None, "thanked for a body that is not UTF-8"
    names = [name for name, _ in fields]
    assert len(names) == len(set(names)), "thanked for a body with repeated fields"
    sent = dict(fields)
    if clean(sent.get("website", "")):  # the honeypot: thanked, and nothing at all is stored
        assert table_counts(db) == before
        return
    [row] = rows
    assert_stored_as_sent(row, sent)
    assert table_counts(db)["form_nonces"] == before["form_nonces"] + 1


@hypothesis_settings
@given(
    body=raw_bodies(),
    method=st.sampled_from(["POST", "POST", "POST", "PUT", "PATCH", "DELETE"]),
    content_type=st.sampled_from(
        [FORM, FORM, FORM, FORM + "; charset=latin-1", "multipart/form-data", "text/plain", None]
    ),
    url=st.sampled_from([URL, f"/p/{SLUG}", "/p/nope/embed"]),
)
def test_any_raw_request_is_a_clear_answer_and_stores_exactly_what_was_sent(
    unlimited, client, db, body, method, content_type, url
):
    raw_request(client, db, body, content_type, method, url)


@hypothesis_settings
@given(
    body=raw_bodies(0.8, typed_values, st.just("optin_org")),
    honeypot=st.one_of(st.just("keep"), typed_values),  # kept empty, or filled in
    url=st.sampled_from([URL, f"/p/{SLUG}"]),
)
def test_any_thanked_form_post_stored_exactly_what_was_sent(
    unlimited, client, db, body, honeypot, url
):
    # Mostly what a browser sends, so that many are thanked: each must have stored one row
    # holding what was sent, or nothing at all if the honeypot was filled.
    changes, extra = body
    raw_request(client, db, ([*changes[:5], honeypot], extra), url=url)
