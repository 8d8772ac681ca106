"""Goals that keep momentum: the shown goal steps up once reached; one next action to offer."""

import pytest

from widget.web.goals import shown_goal


@pytest.mark.parametrize(
    ("goal", "count", "shown"),
    [
        (100, 0, 100),
        (100, 99, 100),
        (100, 100, 200),
        (100, 250, 500),
        (10000, 10000, 20000),
        (10000, 99999, 100000),
        (300, 300, 500),
        (5_000_000, 5_000_000, 10_000_000),
        (0, 50, 0),
    ],
)
def test_the_shown_goal_climbs_the_ladder_once_reached(goal, count, shown):
    assert shown_goal(goal, count) == shown


def test_a_petition_can_keep_its_goal():
    assert shown_goal(100, 150, steps=False) == 100


def set_count(db, slug, count):
    with db.conn:
        db.execute("UPDATE petitions SET signature_count = ? WHERE slug = ?", [count, slug])


@pytest.mark.parametrize("steps", [True, False])
def test_pages_show_the_stepped_goal_unless_the_file_says_goal_steps_false(
    client, db, make_petition, steps
):
    make_petition(goal=100, **({} if steps else {"goal_steps": False}))
    assert "of 100 goal" in client.get("/p/test-petition").get_data(as_text=True)
    set_count(db, "test-petition", 150)
    for path in ("/p/test-petition", "/p/test-petition/embed", "/p/test-petition/thanks"):
        html = client.get(path).get_data(as_text=True)
        if steps:
            assert "of 200 goal" in html and 'max="200" value="150"' in html
        else:
            assert "of 100 goal" in html and 'max="100" value="100"' in html


def test_the_thank_you_page_offers_the_next_action_in_its_language(client, make_petition):
    make_petition(next_url="https://example.org/call", next_text="Call your alderman")
    html = client.get("/p/test-petition/embed/thanks").get_data(as_text=True)
    assert '<a href="https://example.org/call" target="_blank">Call your alderman</a>' in html
    assert "Call your alderman" not in client.get("/p/test-petition").get_data(as_text=True)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "example.org/call", "ftp://x.org"])
def test_a_next_url_that_is_not_a_web_link_is_refused_on_load(app, tmp_path, url):
    path = tmp_path / "bad.md"
    path.write_text(f'+++\nslug = "bad"\ntitle = "Bad"\nnext_url = "{url}"\n+++\n')
    result = app.test_cli_runner().invoke(args=["petition", "load", str(path)])
    assert result.exit_code != 0 and "next_url must be" in result.output


def test_goal_steps_must_be_true_or_false(app, tmp_path):
    path = tmp_path / "bad.md"
    path.write_text('+++\nslug = "bad"\ntitle = "Bad"\ngoal_steps = "no"\n+++\n')
    result = app.test_cli_runner().invoke(args=["petition", "load", str(path)])
    assert result.exit_code != 0 and "goal_steps must be a bool" in result.output
