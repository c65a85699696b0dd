"""Roles and /pulse set-up commands, end to end."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.dbdump import rows
from tests.fakeslack import FakeSlack
from tests.slackrig import RunningApp, SlackClient

ADMIN = "U0ADMIN1"


@pytest.fixture
def admin_app(start_app: Callable[..., RunningApp]) -> RunningApp:
    return start_app(CHANGEPULSE_ADMINS=f"{ADMIN},U0OTHER2")


@pytest.fixture
def pulse(admin_app: RunningApp, slack: FakeSlack) -> SlackClient:
    return SlackClient(admin_app.url, response_url_base=f"{slack.origin}/_respond/")


def texts(response: object) -> str:
    import httpx

    assert isinstance(response, httpx.Response) and response.status_code == 200
    return str(response.json()["text"]) + str(response.json().get("blocks", ""))


def test_help_lists_exactly_what_the_caller_may_do(pulse: SlackClient, slack: FakeSlack) -> None:
    slack.add_user("U0PLAIN")
    participant = texts(pulse.command("/pulse", "help", user_id="U0PLAIN"))
    admin = texts(pulse.command("/pulse", "help", user_id=ADMIN))
    assert "/pulse status" in participant and "/feedback" in participant
    for manage_only in ("lead @user", "champion add", "audience add", "group set"):
        assert manage_only not in participant
        assert manage_only in admin


def test_unknown_subcommand_gets_help(pulse: SlackClient, slack: FakeSlack) -> None:
    slack.add_user("U0PLAIN")
    answer = texts(pulse.command("/pulse", "frobnicate <@U1>", user_id="U0PLAIN"))
    assert "I don't know `/pulse frobnicate`" in answer
    assert "/pulse help" in answer


def test_non_admin_is_refused_and_nothing_changes(
    pulse: SlackClient, slack: FakeSlack, database_url: str
) -> None:
    slack.add_user("U0PLAIN")
    for command in ("lead <@U0PLAIN>", "champion add <@U0PLAIN>", "group set exec <@U0PLAIN>"):
        answer = texts(pulse.command("/pulse", command, user_id="U0PLAIN"))
        assert "is for the change lead and admins" in answer
    assert rows(database_url, "SELECT user_id FROM person WHERE is_change_lead") == []
    assert rows(database_url, "SELECT user_id FROM person WHERE is_champion") == []


def test_env_admin_names_lead_who_then_manages_champions_and_groups(
    pulse: SlackClient, slack: FakeSlack, database_url: str
) -> None:
    lead = "U0LEAD1"
    slack.add_user(lead)
    answer = texts(pulse.command("/pulse", f"lead <@{lead}|lee>", user_id=ADMIN))
    assert f"<@{lead}>" in answer
    # A mention whose label has a space stays one mention.
    champion = texts(
        pulse.command("/pulse", "champion add <@U0CH1|Cai Chen> <@U0CH2>", user_id=lead)
    )
    assert "are now champions" in champion
    listed = texts(pulse.command("/pulse", "champions", user_id=lead))
    assert "<@U0CH1>" in listed and "<@U0CH2>" in listed
    pulse.command("/pulse", "champion remove <@U0CH2>", user_id=lead)
    assert rows(database_url, "SELECT user_id FROM person WHERE is_champion") == [("U0CH1",)]
    grouped = texts(pulse.command("/pulse", "group set End User <@U0CH1> <@U0X>", user_id=lead))
    assert "end_user" in grouped
    groups = texts(pulse.command("/pulse", "groups", user_id=lead))
    assert "end_user" in groups and "(2)" in groups


def test_slack_workspace_admin_counts_as_admin(pulse: SlackClient, slack: FakeSlack) -> None:
    slack.add_user("U0OWNER", is_owner=True)
    answer = texts(pulse.command("/pulse", "lead <@U0OWNER>", user_id="U0OWNER"))
    assert "Change lead" in answer


def test_plain_names_that_slack_did_not_link_get_a_clear_error(pulse: SlackClient) -> None:
    answer = texts(pulse.command("/pulse", "champion add @maria", user_id=ADMIN))
    assert "couldn't find `@maria`" in answer


def test_audience_add_reads_channel_members_and_leaves_bots_out(
    pulse: SlackClient, slack: FakeSlack, database_url: str
) -> None:
    members = [f"U0M{i:03d}" for i in range(230)]
    for user_id in members:
        slack.add_user(user_id)
    slack.add_user("U0BOTTY", is_bot=True)
    slack.add_user("U0GONE", deleted=True)
    slack.add_channel("C0ROLLOUT", members=[*members, "U0BOTTY", "U0GONE"])
    slack.add_user("U0SOLO")
    ack = pulse.command("/pulse", "audience add <#C0ROLLOUT|rollout> <@U0SOLO>", user_id=ADMIN)
    assert ack.status_code == 200
    answer = slack.wait_for("response_url", timeout=10)[0].params
    assert "231 people" in answer["text"]
    assert "2 bots or deactivated" in answer["text"]
    pages = slack.calls_to("conversations.members")
    assert len(pages) >= 2 and any(c.params.get("cursor") for c in pages)
    assert sorted(rows(database_url, "SELECT kind, ref FROM audience_source")) == [
        ("channel", "C0ROLLOUT"),
        ("user", "U0SOLO"),
    ]


def test_audience_channel_the_bot_cannot_read_is_explained(
    pulse: SlackClient, slack: FakeSlack, database_url: str
) -> None:
    pulse.command("/pulse", "audience add <#C0SECRET|secret>", user_id=ADMIN)
    answer = slack.wait_for("response_url", timeout=10)[0].params["text"]
    assert "invite me" in answer.lower()
    assert rows(database_url, "SELECT ref FROM audience_source") == []


def test_status_is_for_everyone(pulse: SlackClient, slack: FakeSlack) -> None:
    slack.add_user("U0PLAIN")
    answer = texts(pulse.command("/pulse", "status", user_id="U0PLAIN"))
    assert "participant" in answer


def test_words_typed_into_pulse_are_echoed_inert(pulse: SlackClient) -> None:
    answer = texts(pulse.command("/pulse", "champion add <!channel> &lt;@U0X&gt;", user_id=ADMIN))
    assert "<!channel>" not in answer and "<@U0X>" not in answer
    assert "&lt;!channel&gt;" in answer
    unknown = texts(pulse.command("/pulse", "<!here>", user_id=ADMIN))
    assert "<!here>" not in unknown and "&lt;!here&gt;" in unknown
