"""App Home over HTTP: the event publishes the home, its button opens the feedback modal."""

from __future__ import annotations

import json

from tests.fakeslack import FakeSlack
from tests.slackrig import SlackClient


def test_home_is_published_with_the_anonymity_promise(
    client: SlackClient, slack: FakeSlack
) -> None:
    response = client.event({"type": "app_home_opened", "user": "U0HOME", "tab": "home"})
    assert response.status_code == 200
    published = slack.wait_for("views.publish")[0].params
    assert published["user_id"] == "U0HOME"
    rendered = json.dumps(published["view"])
    assert "Give anonymous feedback" in rendered
    assert "stored without your name" in rendered


def test_messages_tab_does_not_publish_home(client: SlackClient, slack: FakeSlack) -> None:
    client.event({"type": "app_home_opened", "user": "U0HOME", "tab": "messages"})
    client.event({"type": "app_home_opened", "user": "U0HOME", "tab": "home"})
    assert len(slack.wait_for("views.publish")) == 1


def test_home_button_opens_the_feedback_modal(client: SlackClient, slack: FakeSlack) -> None:
    response = client.block_action("home_open_feedback", user_id="U0HOME")
    assert response.status_code == 200
    opened = slack.wait_for("views.open")[0].params
    assert opened["view"]["callback_id"] == "feedback_modal"
