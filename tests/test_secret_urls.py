"""Routes that carry a secret in their URL: no answer leaks it in Referer, or lets it be kept."""

from conftest import SLUG, add_partner

from widget.partners.export_links import EXPORT_SALT
from widget.partners.links import link_token
from widget.partners.records import get_partner


def test_every_route_with_a_token_in_its_url_is_marked_secret(app):
    secret_routes = [rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]
    assert secret_routes  # export links now; the signer's link and dashboards next
    for rule in secret_routes:
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "secret_url", False), f"{rule.rule} needs @secret_url"


def test_every_answer_of_an_export_link_keeps_its_secret(app, client, runner, db):
    add_partner(app)
    link = runner.invoke(args=["partner", "export-link", "mijente", SLUG]).output.strip()
    good = link.removeprefix("http://127.0.0.1:5000")
    with app.app_context():
        expired = link_token(EXPORT_SALT, get_partner("mijente"), -1, petition=SLUG)
    answers = {
        "genuine": client.get(good),
        "tampered": client.get(good.replace(".csv", "x.csv")),
        "expired": client.get(f"/exports/{expired}.csv"),
    }
    runner.invoke(args=["partner", "revoke-links", "mijente"])
    answers["revoked"] = client.get(good)
    assert [answer.status_code for answer in answers.values()] == [200, 404, 410, 404]
    for kind, answer in answers.items():
        assert answer.headers["Referrer-Policy"] == "no-referrer", kind
        assert answer.headers["Cache-Control"] == "no-store", kind
        assert answer.headers["X-Frame-Options"] == "DENY", kind
        assert answer.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'"), kind
        assert "Set-Cookie" not in answer.headers, kind


def test_a_views_own_referrer_policy_stands(app):
    def strict():
        return "ok", {"Referrer-Policy": "no-referrer"}

    app.add_url_rule("/strict-probe", view_func=strict)
    with app.test_client() as client:
        assert client.get("/strict-probe").headers["Referrer-Policy"] == "no-referrer"
        assert client.get("/healthz").headers["Referrer-Policy"] == "same-origin"
