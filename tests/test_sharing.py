"""Sharing: random codes per signer, links that credit them, signatures made through them."""

import re
from urllib.parse import parse_qs, unquote, urlsplit

from conftest import SLUG, add_partner, without_ref

REF = re.compile(r"[?&]ref=([A-Za-z0-9_-]{16})$")


def ref_of(response):
    """Return the signer's own code from the 303 to the thank-you page."""
    assert response.status_code == 303
    return REF.search(response.headers["Location"]).group(1)


def rows(db):
    return list(db.query("SELECT id, email, source, ref_code, referred_by FROM signatures"))


def test_a_signature_through_a_shared_link_stores_channel_and_sharer(client, db, sign):
    first = sign(email="ana@example.org")
    code = ref_of(first)
    [sharer] = rows(db)
    assert sharer["ref_code"] == code
    second = sign(email="luis@example.org", query=f"?source=share-whatsapp&ref={code}")
    ref_of(second)
    friend = rows(db)[1]
    assert (friend["source"], friend["referred_by"]) == ("share-whatsapp", sharer["id"])
    assert friend["ref_code"] not in (None, code)


def test_a_code_of_another_petition_or_malformed_credits_nobody(client, db, sign, make_petition):
    make_petition()
    other = ref_of(sign(url="/p/test-petition", email="ana@example.org"))
    sign(email="luis@example.org", query=f"?source=share-copy&ref={other}")
    sign(email="eva@example.org", query="?source=share-copy&ref=x'--")
    assert [row["referred_by"] for row in rows(db)] == [None, None, None]


def test_codes_are_random_not_derived_from_the_email(db, sign, make_petition):
    make_petition()
    here = ref_of(sign(email="ana@example.org"))
    there = ref_of(sign(url="/p/test-petition", email="ana@example.org"))
    others = {ref_of(sign(email=f"ana{n}@example.org")) for n in range(3)}
    assert len({here, there, *others}) == 5  # one address, two petitions: unrelated codes


def test_a_repeat_signer_gets_the_same_answer_shape_and_their_own_code(client, db, sign):
    first = sign(email="Ana@example.org")
    again = sign(email="ana@EXAMPLE.org")
    new = sign(email="eva@example.org")
    # Same path and arguments, a code of the same form: nothing tells a repeat from a new one.
    assert without_ref(first.headers["Location"]) == without_ref(again.headers["Location"])
    assert without_ref(again.headers["Location"]) == without_ref(new.headers["Location"])
    assert ref_of(again) == ref_of(first)  # the repeat keeps the credit for what they share
    assert len(rows(db)) == 2


def test_thank_you_pages_from_the_cache_carry_each_signers_own_code(app, client):
    codes = ["A" * 16, "B" * 16, "F" * 16]
    for code in codes:
        for path in (f"/p/{SLUG}/thanks", f"/p/{SLUG}/embed/thanks"):
            html = client.get(f"{path}?ref={code}").get_data(as_text=True)
            assert f"source=share-copy&amp;ref={code}" in html
            assert html.count(f"ref={code}") >= 8  # copy link and seven channels
            assert not any(other in html for other in codes if other != code)
    # One cached page per thank-you page, whoever's code it carries.
    assert len(app.extensions["widget.pages"]) == 2


def test_the_share_step_links_every_channel_without_third_party_resources(client):
    html = client.get(f"/p/{SLUG}/embed/thanks?ref={'C' * 16}").get_data(as_text=True)
    for channel in ("whatsapp", "facebook", "x", "bluesky", "telegram", "email", "sms"):
        assert f'href="/p/{SLUG}/share/{channel}?ref={"C" * 16}' in html
    # Nothing on the page loads from elsewhere: no src, no stylesheet, no font.
    assert re.findall(r'\ssrc="', html) == []
    assert "<link" not in html and "@import" not in html and "url(" not in html


def test_a_channel_link_redirects_with_the_text_in_the_pages_language(client):
    code = "D" * 16
    response = client.get(f"/p/{SLUG}/share/whatsapp?ref={code}&lang=es")
    assert response.status_code == 303
    assert response.headers["Cache-Control"] == "no-store"
    target = urlsplit(response.headers["Location"])
    assert (target.scheme, target.netloc) == ("https", "wa.me")
    text = parse_qs(target.query)["text"][0]
    assert text.startswith("Dile al Concejo Municipal de Chicago")
    assert text.endswith(f"/p/{SLUG}?source=share-whatsapp&ref={code}")
    mail = client.get(f"/p/{SLUG}/share/email?ref={code}").headers["Location"]
    assert mail.startswith("mailto:?subject=Tell%20the%20Chicago")
    assert "+" not in mail and "share-email" in unquote(mail)
    assert client.get(f"/p/{SLUG}/share/myspace?ref={code}").status_code == 404


def test_links_shared_from_a_partners_embed_keep_the_partners_credit(app, client, db, sign):
    _snippet, key = add_partner(app)
    code = ref_of(sign(url=f"/p/{SLUG}/embed", query=f"?partner={key}"))
    thanks = client.get(f"/p/{SLUG}/embed/thanks?partner={key}&ref={code}").get_data(as_text=True)
    assert f"partner={key}&amp;source=share-copy&amp;ref={code}" in thanks
    assert f'href="/p/{SLUG}/share/telegram?partner={key}&amp;ref={code}' in thanks
    shared = client.get(f"/p/{SLUG}/share/telegram?partner={key}&ref={code}")
    url = parse_qs(urlsplit(shared.headers["Location"]).query)["url"][0]
    assert parse_qs(urlsplit(url).query)["partner"] == [key]
    # The code alone (which a repeat signer also gets) says nothing of whom its signer came
    # through, and a forged key is left out.
    for query in (f"ref={code}", f"ref={code}&partner=forged.key"):
        alone = client.get(f"/p/{SLUG}/share/telegram?{query}").headers["Location"]
        assert "partner" not in unquote(alone)
    sign(email="luis@example.org", query=f"?partner={key}&source=share-telegram&ref={code}")
    friend = db.execute("SELECT partner_id, referred_by FROM signatures WHERE id = 2").fetchone()
    assert friend == (1, 1)


def test_embedded_thank_you_stays_under_10_kb_in_spanish_with_a_partner(app, client):
    _snippet, key = add_partner(app)
    html = client.get(f"/p/{SLUG}/embed/thanks?partner={key}&lang=es&ref={'E' * 16}").data
    assert len(html) <= 10 * 1024
    assert b"<style" in html and b'rel="stylesheet"' not in html  # one request


def test_petition_list_shows_signatures_per_share_channel_and_the_share_ratio(runner, sign):
    code = ref_of(sign(email="ana@example.org"))
    sign(email="luis@example.org", query=f"?source=share-whatsapp&ref={code}")
    sign(email="eva@example.org", query=f"?source=share-whatsapp&ref={code}")
    sign(email="ines@example.org", query=f"?source=share-copy&ref={code}")
    sign(email="sam@example.org", query="?source=newsletter")
    output = runner.invoke(args=["petition", "list"]).output
    assert "  through shares: whatsapp 2, copy 1; share ratio 0.60 (3 of 5)" in output
