"""The Bolt app and its Web API client, configured for speed and for Slack's rate limits."""

from __future__ import annotations

import logging
import re
import time

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.config import Settings

logger = logging.getLogger("changepulse.requests")

ANSWER_SUFFIX = re.compile(r"^(checkin_(?:mood|adoption))_\w+$")


def build_client(settings: Settings, *, rate_limit_retries: int = 8) -> WebClient:
    """A client that waits out 429s (Retry-After) and retries dropped connections."""
    return WebClient(
        token=settings.slack_bot_token,
        timeout=15,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
        ],
        base_url=settings.slack_api_url or WebClient.BASE_URL,
    )


class PulseApp(App):
    """Bolt's App plus one log line per request: what it was and how it ended, no ids or text."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        started = time.perf_counter()
        response = super().dispatch(req)
        elapsed_ms = (time.perf_counter() - started) * 1000
        kind = describe(req.body) if isinstance(req.body, dict) else "unknown"
        outcome = req.context.get("outcome", "ok" if response.status < 400 else "rejected")
        retry = req.headers.get("x-slack-retry-num", [None])[0]
        logger.info(
            "%s status=%s outcome=%s ms=%.1f%s",
            kind,
            response.status,
            outcome,
            elapsed_ms,
            f" retry={retry}" if retry else "",
        )
        return response


def build_app(settings: Settings, client: WebClient) -> PulseApp:
    return PulseApp(
        client=client,
        signing_secret=settings.slack_signing_secret,
        # Listeners ack straight from the request thread; Bolt's default would poll for the
        # ack every 10 ms. Slow work goes to lazy listeners instead.
        process_before_response=True,
    )


def describe(body: dict[str, object]) -> str:
    """What kind of request this is, for the log line: never ids or text."""
    if "command" in body:
        return f"command {body['command']}"
    kind = body.get("type")
    if kind == "block_actions":
        actions = body.get("actions") or [{}]
        first = actions[0] if isinstance(actions, list) and actions else {}
        if not isinstance(first, dict):
            return "action"
        # A check-in button's id ends in the answer; a timed log line must not carry it.
        return "action " + ANSWER_SUFFIX.sub(r"\1", str(first.get("action_id", "?")))
    if kind in ("view_submission", "view_closed"):
        view = body.get("view") or {}
        callback = view.get("callback_id", "?") if isinstance(view, dict) else "?"
        return f"{kind} {callback}"
    if kind == "event_callback":
        event = body.get("event") or {}
        return f"event {event.get('type', '?')}" if isinstance(event, dict) else "event"
    return str(kind or "unknown")
