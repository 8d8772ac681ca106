"""Bad input: each case gets a clear 4xx page or form error, never a 500, never a partial row."""

import unicodedata
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from conftest import SLUG, form_token, table_counts
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


@hypothesis_settings
@given(
    first_name=text_values,
    last_name=text_values,
    email=st.one_of(text_values, st.emails()),
    postal_code=st.one_of(text_values, st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 -]{0,11}")),
)
def test_any_form_input_is_stored_whole_or_not_at_all(
    unlimited, client, db, first_name, last_name, email, postal_code
):
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
    row = next(db.query("SELECT * FROM signatures ORDER BY id DESC LIMIT 1"))
    for name in ("first_name", "last_name", "email", "postal_code"):
        value = row[name]
        assert value and value == value.strip()
        assert unicodedata.is_normalized("NFC", value)
        assert not any(unicodedata.category(char) in {"Cc", "Cs", "Co"} for char in value)


field_names = st.sampled_from(
    ["first_name", "last_name", "email", "postal_code", "csrf_token", "optin_org", "website", "x"]
)
raw_values = st.one_of(
    st.binary(max_size=40).map(lambda b: quote(b).encode()),  # any bytes, percent-encoded
    st.binary(max_size=40),  # any bytes, raw
    st.sampled_from([b"Ana", b"ana@example.org", b"60608", b"", b"%00", b"%FF", b"y"]),
)


@st.composite
def raw_bodies(draw):
    """Draw changes to the valid fields (keep, drop or replace each), and fields to add."""
    changes = draw(
        st.lists(
            st.one_of(st.just("keep"), st.just("keep"), st.just("drop"), raw_values),
            min_size=5,
            max_size=5,
        )
    )
    extra = draw(st.lists(st.tuples(field_names, raw_values), max_size=3))
    return changes, [name.encode() + b"=" + value for name, value in extra]


def decode_form(body):
    """Return the body's fields as a browser meant them, or None if it is not valid UTF-8."""
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None


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
    changes, extra = body
    valid = []
    for (name, value), change in zip(
        valid_fields(client, email="raw@example.org"), changes, strict=True
    ):
        if change == "keep":
            valid.append(f"{name}={quote(value)}".encode())
        elif change != "drop":
            valid.append(name.encode() + b"=" + change)
    body = b"&".join(valid + extra)
    before = table_counts(db)
    response = post_raw(client, body, content_type, method, url)
    assert response.status_code in {303, 400, 404, 405, 413, 415, 422}
    fields = decode_form(body)
    if response.status_code != 303:
        assert table_counts(db) == before
    else:
        assert fields is not None, "thanked for a body that is not UTF-8"
        names = [name for name, _ in fields]
        assert len(names) == len(set(names)), "thanked for a body with repeated fields"
        sent = dict(fields)
        for row in db.query("SELECT * FROM signatures"):
            for name in ("first_name", "last_name"):
                assert row[name] == unicodedata.normalize("NFC", sent[name]).strip()
            assert row["postal_code"] == sent["postal_code"].strip().upper()
    db.execute("DELETE FROM signatures")  # let the next example sign as raw@example.org again
