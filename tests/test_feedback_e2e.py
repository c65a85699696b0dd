"""Anonymous /feedback end to end: the real app over HTTP, against the fake Slack."""

from __future__ import annotations

import time

from tests.dbdump import count_rows, dump_database, rows
from tests.fakeslack import FakeSlack
from tests.slackrig import RunningApp, SlackClient

HOSTILE = "<!channel> <@U0VICTIM1> <https://evil.example|payroll> & more"


def test_feedback_is_stored_once_and_confirmed_escaped(
    app: RunningApp, client: SlackClient, database_url: str
) -> None:
    response = client.command("/feedback", "the export &lt;really&gt; takes ages &amp; more")
    assert response.status_code == 200
    answer = response.json()
    assert "anonymous feedback was recorded" in answer["text"]
    shown = answer["blocks"][0]["text"]["text"]
    assert "the export &lt;really&gt; takes ages &amp; more" in shown
    assert rows(database_url, "SELECT text, source FROM anonymous_feedback") == [
        ("the export <really> takes ages & more", "feedback")
    ]


def test_hostile_markup_is_inert_everywhere_it_is_shown(
    app: RunningApp, client: SlackClient, slack: FakeSlack, database_url: str
) -> None:
    response = client.command("/feedback", HOSTILE)
    body = response.text
    for live in ("<!channel>", "<@U0VICTIM1>", "<https://evil.example"):
        assert live not in body
    assert "payroll" in body
    # The modal path confirms by DM: the same rule holds there.
    client.view_submission(
        "feedback_modal",
        {"feedback_text": {"text": {"type": "plain_text_input", "value": HOSTILE}}},
    )
    dm = slack.wait_for("chat.postMessage")[0]
    rendered = str(dm.params["blocks"]) + dm.params["text"]
    assert "&lt;!channel&gt;" in rendered
    for live in ("<!channel>", "<@U0VICTIM1>", "<https://evil.example"):
        assert live not in rendered
    assert "link_names" not in dm.params and dm.params.get("parse") != "full"
    assert count_rows(database_url, "anonymous_feedback") == 2


def test_slack_retries_store_nothing_twice(client: SlackClient, database_url: str) -> None:
    body = client.command_body("/feedback", "the approval step is missing")
    content_type = "application/x-www-form-urlencoded"
    first = client.post(body, content_type=content_type)
    retries = [
        client.post(
            body,
            content_type=content_type,
            headers={"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"},
        )
        for n in (1, 2, 3)
    ]
    assert first.status_code == 200
    assert all(r.status_code == 200 for r in retries)
    assert all("recorded" in r.json()["text"] for r in retries)
    assert count_rows(database_url, "anonymous_feedback") == 1
    # A genuinely new request with the same words is new feedback.
    client.command("/feedback", "the approval step is missing")
    assert count_rows(database_url, "anonymous_feedback") == 2


def test_refusals_say_why_and_store_nothing(
    client: SlackClient, slack: FakeSlack, database_url: str
) -> None:
    too_long = client.command("/feedback", "x" * 3001).json()["text"]
    assert "3,001" in too_long and "3,000" in too_long
    only_markup = client.command("/feedback", "<@U0AAA|ann> <#C0BBB|general> <https://x.io>")
    assert "only mentions, links" in only_markup.json()["text"]
    invisible = client.command("/feedback", "\u200b\u200b \u2060")
    assert "nothing to send" in invisible.json()["text"].lower()
    blank_modal = client.view_submission(
        "feedback_modal",
        {"feedback_text": {"text": {"type": "plain_text_input", "value": "   \n\t "}}},
    )
    assert blank_modal.json()["response_action"] == "errors"
    assert "nothing to send" in blank_modal.json()["errors"]["feedback_text"].lower()
    assert count_rows(database_url, "anonymous_feedback") == 0
    assert slack.calls_to("chat.postMessage") == []


def test_empty_feedback_opens_the_modal_after_the_ack(
    client: SlackClient, slack: FakeSlack, database_url: str
) -> None:
    response = client.command("/feedback", "   ")
    assert response.status_code == 200
    opened = slack.wait_for("views.open")[0]
    assert opened.params["view"]["callback_id"] == "feedback_modal"
    assert opened.params["trigger_id"]
    assert count_rows(database_url, "anonymous_feedback") == 0


def test_modal_feedback_with_topic_is_stored_and_confirmed_by_dm(
    client: SlackClient, slack: FakeSlack, database_url: str
) -> None:
    response = client.view_submission(
        "feedback_modal",
        {
            "feedback_text": {"text": {"type": "plain_text_input", "value": "Need a cheat sheet"}},
            "feedback_topic": {
                "topic": {"type": "static_select", "selected_option": {"value": "training"}}
            },
        },
        user_id="U0MODAL",
    )
    assert response.status_code == 200 and response.text in ("", "{}")
    dm = slack.wait_for("chat.postMessage")[0]
    assert dm.params["channel"] == "U0MODAL"
    assert rows(database_url, "SELECT text, topic FROM anonymous_feedback") == [
        ("Need a cheat sheet", "training")
    ]


def test_nothing_ties_the_author_to_the_text(
    app: RunningApp, client: SlackClient, slack: FakeSlack, database_url: str
) -> None:
    author, name = "U0ZQX93KP7", "zelda.quintrell"
    text = "honestly I went back to my own tracker"
    response = client.command("/feedback", text, user_id=author, user_name=name)
    assert response.status_code == 200
    client.view_submission(
        "feedback_modal",
        {"feedback_text": {"text": {"type": "plain_text_input", "value": "modal words 42"}}},
        user_id=author,
    )
    slack.wait_for("chat.postMessage")

    # Let the scoring worker write its results too, so they are part of what is searched.
    def all_scored() -> bool:
        scored = rows(database_url, "SELECT id FROM anonymous_feedback WHERE label IS NOT NULL")
        return len(scored) == count_rows(database_url, "anonymous_feedback") == 2

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not all_scored():
        time.sleep(0.1)
    assert all_scored(), "the scoring worker did not score both texts"
    app.stop()
    stored = dump_database(database_url)
    assert text in stored  # the text is there…
    for identity in (author, name, "C0GENERAL", "general"):
        assert identity not in stored  # …but not who wrote it or where
    logs = app.logs()
    assert "command /feedback" in logs
    for secret in (author, name, text, "modal words 42"):
        assert secret not in logs
    day_only = rows(database_url, "SELECT day FROM anonymous_feedback")
    assert len(day_only) == 2


def test_requests_with_bad_or_stale_signatures_are_rejected(
    client: SlackClient, database_url: str
) -> None:
    body = client.command_body("/feedback", "should never be stored")
    content_type = "application/x-www-form-urlencoded"
    forged = client.post(
        body, content_type=content_type, signed=False, headers={"X-Slack-Signature": "v0=00"}
    )
    stale = client.post(body, content_type=content_type, timestamp=int(time.time()) - 301)
    unsigned = client.post(body, content_type=content_type, signed=False)
    assert (forged.status_code, stale.status_code, unsigned.status_code) == (401, 401, 401)
    assert count_rows(database_url, "anonymous_feedback") == 0


def test_healthz_reports_ready(app: RunningApp) -> None:
    import httpx

    response = httpx.get(f"{app.url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "scheduler": "ok"}


def test_feedback_is_scored_after_the_ack(client: SlackClient, database_url: str) -> None:
    response = client.command("/feedback", "I went back to my spreadsheet, the new tool is slower")
    assert response.status_code == 200
    deadline = time.monotonic() + 20
    scored: list[tuple[object, ...]] = []
    while time.monotonic() < deadline and not scored:
        scored = rows(
            database_url,
            "SELECT label, themes, flagged FROM anonymous_feedback WHERE label IS NOT NULL",
        )
        time.sleep(0.2)
    assert scored, "the scoring worker never stored a score"
    label, themes, flagged = scored[0]
    assert label == "neg" and flagged
    assert "back_to_old_tools" in str(themes)
