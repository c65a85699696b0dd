"""The fake is only worth trusting if the real slack_sdk client is happy talking to it."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fakeslack import FakeSlack
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

TOKEN = "xoxb-test-token"
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*How is the rollout?*"}}]


class SteppedClock:
    """Lets rate-limit tests move time forward without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
def slack(clock: SteppedClock) -> Iterator[FakeSlack]:
    with FakeSlack(clock=clock) as fake:
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    # No retry handlers: each test states the retry behaviour it relies on.
    return WebClient(token=TOKEN, base_url=slack.base_url, retry_handlers=[])


def _http(url: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    method = "POST" if body is not None else "GET"
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def test_post_message_is_recorded_with_blocks_as_objects(
    slack: FakeSlack, client: WebClient
) -> None:
    first = client.chat_postMessage(channel="C1", text="fallback", blocks=BLOCKS)
    # Form-encoded bodies carry blocks as a JSON string; tests should not care which was used.
    second = client.api_call(
        "chat.postMessage", params={"channel": "U42", "text": "hi", "blocks": json.dumps(BLOCKS)}
    )

    assert first["channel"] == "C1"
    assert second["channel"] == "DU42"
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["blocks"] == BLOCKS
    calls = slack.calls_to("chat.postMessage")
    assert [c.params["blocks"] for c in calls] == [BLOCKS, BLOCKS]
    assert calls[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert all(c.ok and c.status == 200 for c in calls)


def test_post_message_without_channel_or_token_is_refused(
    slack: FakeSlack, client: WebClient
) -> None:
    with pytest.raises(SlackApiError) as no_channel:
        client.chat_postMessage(channel="", text="hi")
    with pytest.raises(SlackApiError) as no_token:
        WebClient(base_url=slack.base_url).chat_postMessage(channel="C1", text="hi")
    with pytest.raises(SlackApiError) as unknown:
        client.api_call("reactions.add", params={"name": "tada"})

    assert no_channel.value.response["error"] == "channel_not_found"
    assert no_token.value.response["error"] == "not_authed"
    assert unknown.value.response["error"] == "unknown_method"
    assert [c.error for c in slack.calls] == ["channel_not_found", "not_authed", "unknown_method"]


def test_users_info_reports_timezone_offset_and_flags(slack: FakeSlack, client: WebClient) -> None:
    slack.add_user("U1", real_name="Ada Lovelace", tz="Europe/Berlin", is_admin=True)
    offset = ZoneInfo("Europe/Berlin").utcoffset(datetime.now(UTC))
    assert offset is not None

    user = client.users_info(user="U1")["user"]
    with pytest.raises(SlackApiError) as missing:
        client.users_info(user="UNOPE")

    assert user["tz"] == "Europe/Berlin"
    assert user["tz_offset"] == int(offset.total_seconds())
    assert user["is_admin"] is True and user["is_bot"] is False
    assert user["profile"]["real_name"] == "Ada Lovelace"
    assert missing.value.response["error"] == "user_not_found"


def test_conversations_members_pages_through_250_members(
    slack: FakeSlack, client: WebClient
) -> None:
    members = [f"U{i:04d}" for i in range(250)]
    slack.add_channel("C1", members=members)

    pages = [page["members"] for page in client.conversations_members(channel="C1", limit=100)]

    assert [len(p) for p in pages] == [100, 100, 50]
    assert [m for page in pages for m in page] == members
    assert len(slack.calls_to("conversations.members")) == 3
    with pytest.raises(SlackApiError) as unknown:
        client.conversations_members(channel="CNOPE")
    assert unknown.value.response["error"] == "channel_not_found"


def test_users_list_includes_the_bot_and_slackbot(slack: FakeSlack, client: WebClient) -> None:
    slack.add_user("U1")
    users = {u["id"]: u for page in client.users_list(limit=2) for u in page["members"]}

    assert set(users) == {"USLACKBOT", "UBOT", "U1"}
    assert users["UBOT"]["is_bot"] is True
    assert client.auth_test()["user_id"] == "UBOT"


@pytest.mark.parametrize(
    "upload",
    [
        {"content": "week,score\n2,3.1\n"},
        {"file": b"\x89PNG\r\n\x1a\n\x00binary\r\n--not-a-boundary\n"},
    ],
    ids=["content", "bytes"],
)
def test_files_upload_v2_round_trip_keeps_the_bytes(
    slack: FakeSlack, client: WebClient, upload: dict[str, Any]
) -> None:
    response = client.files_upload_v2(
        channel="C1", filename="pulse.csv", title="Pulse", initial_comment="Week 2", **upload
    )

    file_id = response["file"]["id"]
    expected = upload.get("file") or upload["content"].encode()
    assert slack.uploads[file_id] == expected
    assert response["file"]["title"] == "Pulse"
    complete = slack.calls_to("files.completeUploadExternal")[0]
    assert complete.params["channel_id"] == "C1"
    assert complete.params["initial_comment"] == "Week 2"
    assert complete.params["files"][0]["id"] == file_id
    assert [c.method for c in slack.calls] == [
        "files.getUploadURLExternal",
        "_upload",
        "files.completeUploadExternal",
    ]


def test_views_open_needs_a_trigger_and_echoes_the_view(client: WebClient) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Check-in"}, "blocks": []}

    opened = client.views_open(trigger_id="123.456", view=view)["view"]
    updated = client.views_update(view_id=opened["id"], view=view)["view"]
    with pytest.raises(SlackApiError) as no_trigger:
        client.api_call("views.open", json={"view": view})

    assert opened["id"].startswith("V") and opened["title"]["text"] == "Check-in"
    assert updated["id"] == opened["id"]
    assert no_trigger.value.response["error"] == "invalid_arguments"


def test_fail_makes_the_client_raise_once(slack: FakeSlack, client: WebClient) -> None:
    slack.fail("chat.postMessage", status=503)
    slack.error("users.info", error="user_not_found")

    with pytest.raises(SlackApiError) as failed:
        client.chat_postMessage(channel="C1", text="hi")
    with pytest.raises(SlackApiError) as errored:
        client.users_info(user="UBOT")
    client.chat_postMessage(channel="C1", text="hi again")

    assert failed.value.response.status_code == 503
    assert errored.value.response["error"] == "user_not_found"
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [503, 200]
    assert len(slack.calls_to("chat.postMessage", ok_only=True)) == 1


def test_rate_limit_is_survived_by_the_retry_handler(slack: FakeSlack) -> None:
    client = WebClient(
        token=TOKEN,
        base_url=slack.base_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=3)],
    )
    slack.rate_limit("chat.postMessage", retry_after=1, times=2)

    started = time.monotonic()
    response = client.chat_postMessage(channel="C1", text="hi")

    assert response["ok"] is True
    assert time.monotonic() - started >= 2.0
    calls = slack.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 429, 200]
    assert [c.error for c in calls] == ["ratelimited", "ratelimited", None]


def test_rate_limit_per_second_answers_429_with_retry_after(
    slack: FakeSlack, client: WebClient, clock: SteppedClock
) -> None:
    slack.rate_limit_per_second("chat.postMessage", 3)

    for _ in range(3):
        client.chat_postMessage(channel="C1", text="hi")
    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel="C1", text="too fast")
    clock.now += 1 / 3
    client.chat_postMessage(channel="C1", text="after one token came back")

    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "1"
    assert len(slack.calls_to("chat.postMessage")) == 5
    assert len(slack.calls_to("chat.postMessage", ok_only=True)) == 4


def test_slow_rate_limit_asks_for_a_longer_wait(slack: FakeSlack, client: WebClient) -> None:
    slack.rate_limit_per_second("chat.postMessage", 0.5)

    client.chat_postMessage(channel="C1", text="hi")
    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel="C1", text="hi")

    assert limited.value.response.headers["Retry-After"] == "2"


def test_wait_for_sees_calls_from_other_threads_and_explains_timeouts(
    slack: FakeSlack, client: WebClient
) -> None:
    worker = threading.Timer(0.05, client.chat_postMessage, kwargs={"channel": "C1", "text": "x"})
    worker.start()

    assert len(slack.wait_for("chat.postMessage", timeout=2)) == 1
    with pytest.raises(AssertionError, match=r"2 call\(s\) to chat.postMessage.*got 1"):
        slack.wait_for("chat.postMessage", count=2, timeout=0.1)
    worker.join()


def test_bolt_app_boots_against_the_fake(slack: FakeSlack, client: WebClient) -> None:
    app = App(client=client, signing_secret="secret")

    assert app.client.base_url == slack.base_url
    assert slack.calls_to("auth.test", ok_only=True)


def test_standalone_process_serves_and_exposes_calls() -> None:
    script = Path(__file__).with_name("fakeslack.py")
    process = subprocess.Popen(
        [sys.executable, str(script), "--port", "0", "--rate-limit", "chat.postMessage=50"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("FAKESLACK_URL=http://127.0.0.1:"), line
        base_url = line.removeprefix("FAKESLACK_URL=")
        origin = base_url.removesuffix("/api/")
        client = WebClient(token=TOKEN, base_url=base_url, retry_handlers=[])

        client.chat_postMessage(channel="C1", text="from a benchmark")
        calls = _http(f"{origin}/_calls")
        _http(f"{origin}/_config", {"error": [{"method": "chat.postMessage", "times": 1}]})
        with pytest.raises(SlackApiError) as configured:
            client.chat_postMessage(channel="C1", text="scripted")
        _http(f"{origin}/_reset", {})
        after_reset = _http(f"{origin}/_calls")

        assert [(c["method"], c["params"]["text"]) for c in calls] == [
            ("chat.postMessage", "from a benchmark")
        ]
        assert configured.value.response["error"] == "channel_not_found"
        assert after_reset == []
    finally:
        process.terminate()
        assert process.wait(timeout=5) == 0
