"""A local, recording stand-in for the Slack Web API.

Our test seam is the Web API itself (STYLE.md, habit 8): the real ``slack_sdk`` ``WebClient``
and the real Bolt app talk HTTP to this server instead of slack.com, so retries, pagination,
JSON-vs-form encoding and error handling are exercised exactly as in production. Mocking
``WebClient`` methods would skip all of that.

In a test::

    with FakeSlack() as slack:
        slack.add_user("U1", real_name="Ada", tz="Europe/London")
        client = WebClient(token="xoxb-test", base_url=slack.base_url)
        client.chat_postMessage(channel="U1", text="hi")
        assert slack.calls_to("chat.postMessage")[0].params["text"] == "hi"

From another process (benchmarks)::

    python tests/fakeslack.py --port 0 --rate-limit chat.postMessage=50
    # stdout line 1: FAKESLACK_URL=http://127.0.0.1:PORT/api/
    # GET /_calls[?method=M], POST /_reset, POST /_config {"fail": [{"method": M}], ...}

Only the standard library is used so the benchmark process needs no installed packages.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import email.parser
import email.policy
import itertools
import json
import math
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

__all__ = ["ApiError", "Call", "FakeSlack", "Responder", "main"]

TEAM_ID = "T1"
TEAM_NAME = "Fake Workspace"
BOT_USER_ID = "UBOT"
BOT_ID = "B1"
APP_ID = "A1"
BOT_NAME = "changepulse"

# Form bodies carry structured arguments as JSON strings; tests want to assert on the objects.
_JSON_PARAMS = frozenset({"blocks", "attachments", "view", "files", "metadata", "user_auth_blocks"})
_TOKEN_PREFIXES = ("xoxb-", "xoxp-", "xapp-")  # xapp-: apps.connections.open (Socket Mode)
_MESSAGE_BLOCK_LIMIT = 50
_VIEW_BLOCK_LIMIT = 100
_MODAL_TITLE_LIMIT = 24
_MAX_PAGE = 1000

Params = dict[str, Any]
Responder = Callable[[Params], dict[str, Any]]
"""Answers one Web API method: takes the decoded params, returns the fields next to ``ok``."""


class ApiError(Exception):
    """Raised by a responder to answer HTTP 200 ``{"ok": false, "error": ...}`` like Slack."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class Call:
    """One request the fake received, kept even when it was failed or rate limited.

    ``status`` is the HTTP status answered and ``error`` the Slack error code (``None`` when
    ``ok``), so a test can tell "the app tried" from "the app got through".
    """

    method: str
    params: Params
    headers: dict[str, str]
    at: float
    status: int = 200
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Injection:
    """A scripted answer for the next ``remaining`` calls (``None`` means until reset)."""

    status: int
    error: str
    remaining: int | None
    retry_after: int | None = None


@dataclass
class _TokenBucket:
    """Slack's per-method tiers, scaled to seconds: ``rate`` calls a second, burst of ``rate``."""

    rate: float
    clock: Callable[[], float]
    tokens: float = field(init=False)
    updated: float = field(init=False)

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise ValueError(f"rate must be positive, got {self.rate!r}")
        self.tokens = self.capacity
        self.updated = self.clock()

    @property
    def capacity(self) -> float:
        return max(1.0, self.rate)

    def take(self) -> int | None:
        """Spend a token, or return the whole seconds until one will be there (Retry-After)."""
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return None
        return max(1, math.ceil((1.0 - self.tokens) / self.rate))


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


class FakeSlack:
    """A Slack Web API on ``127.0.0.1`` that records calls and misbehaves on request.

    Args:
        host: interface to bind; keep the loopback default in tests.
        port: 0 picks a free port, which keeps parallel test runs apart.
        clock: monotonic seconds for rate-limit buckets, injectable so tests can step time
            instead of sleeping.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._host = host
        self._port = port
        self._clock = clock
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

        self._calls: list[Call] = []
        self._injections: dict[str, deque[_Injection]] = {}
        self._buckets: dict[str, _TokenBucket] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, list[str]] = {}
        self._files: dict[str, dict[str, Any]] = {}
        self._views_by_external_id: dict[str, str] = {}
        self._home_views: dict[str, str] = {}
        self.uploads: dict[str, bytes] = {}
        """Bytes received at each ``upload_url``, by file id."""

        self._ts = itertools.count(1_700_000_000_000_100, 100)
        self._ids = itertools.count(1)
        self._responders: dict[str, Responder] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.getPermalink": self._chat_get_permalink,
            "conversations.open": self._conversations_open,
            "conversations.members": self._conversations_members,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "team.info": self._team_info,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
        }
        self._add_default_users()

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        if self._server is not None:
            return self
        server = _Server((self._host, self._port), _RequestHandler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT`` — where ``/_calls``, ``/_reset`` and uploads live."""
        if self._server is None:
            raise RuntimeError("FakeSlack is not started; call start() or use it as a context")
        host, port = self._server.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """Pass to ``WebClient(base_url=...)``; the trailing slash is what slack_sdk expects."""
        return f"{self.origin}/api/"

    # -- recorded calls ----------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str, *, ok_only: bool = False) -> list[Call]:
        """Calls to ``method``; ``ok_only`` drops the ones answered with an error or 429."""
        with self._lock:
            return [c for c in self._calls if c.method == method and (c.ok or not ok_only)]

    def wait_for(
        self, method: str, count: int = 1, timeout: float = 5.0, *, ok_only: bool = False
    ) -> list[Call]:
        """Block until ``count`` calls to ``method`` arrived; for work the app does in threads.

        Raises:
            AssertionError: on timeout, listing what did arrive so the failure explains itself.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = self.calls_to(method, ok_only=ok_only)
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(min(left, 0.05))
            seen = [
                f"{c.method}({c.status}{', ' + c.error if c.error else ''})" for c in self._calls
            ]
        kind = "successful " if ok_only else ""
        raise AssertionError(
            f"expected {count} {kind}call(s) to {method} within {timeout}s, got {len(found)}; "
            f"calls seen: {seen or 'none'}"
        )

    def reset(self) -> None:
        """Forget calls, uploads and scripted failures, so one server can serve many tests.

        The workspace (users, channels) and per-second limits stay: they are setup, like the
        ``--rate-limit`` of a benchmark run, not something a test did. Buckets start full again.
        """
        with self._lock:
            self._calls.clear()
            self._injections.clear()
            self.uploads.clear()
            self._files.clear()
            for method, bucket in list(self._buckets.items()):
                self._buckets[method] = _TokenBucket(rate=bucket.rate, clock=self._clock)

    # -- failure injection -------------------------------------------------------------------

    def fail(self, method: str, status: int = 500, times: int | None = 1) -> None:
        """Answer the next ``times`` calls with an HTTP error, as during a Slack incident."""
        self._inject(method, _Injection(status, "fatal_error", times))

    def error(self, method: str, error: str = "channel_not_found", times: int | None = 1) -> None:
        """Answer the next ``times`` calls with HTTP 200 and ``{"ok": false, "error": error}``."""
        self._inject(method, _Injection(200, error, times))

    def rate_limit(self, method: str, retry_after: int = 1, times: int | None = 1) -> None:
        """Answer the next ``times`` calls with 429 and ``Retry-After: retry_after``."""
        self._inject(method, _Injection(429, "ratelimited", times, retry_after=retry_after))

    def rate_limit_per_second(self, method: str, rate: float | None) -> None:
        """Let ``rate`` calls a second through (token bucket), 429 the rest; ``None`` lifts it.

        Retry-After is the whole seconds until a token is back (at least 1), so a client that
        honours it is never limited twice for the same call.
        """
        with self._lock:
            if rate is None:
                self._buckets.pop(method, None)
            else:
                self._buckets[method] = _TokenBucket(rate=rate, clock=self._clock)

    def handle(self, method: str, responder: Responder) -> None:
        """Answer ``method`` with ``responder`` — for methods the fake does not know yet.

        Example::

            slack.handle("reactions.add", lambda params: {})
        """
        with self._lock:
            self._responders[method] = responder

    def configure(self, config: dict[str, Any]) -> None:
        """Apply ``{"fail": [{kwargs}], "add_user": [...], ...}``; backs ``POST /_config``.

        Keys are the names of the public setup methods; each value is one kwargs object or a
        list of them, so another process can script the fake without importing it.
        """
        actions: dict[str, Callable[..., object]] = {
            "fail": self.fail,
            "error": self.error,
            "rate_limit": self.rate_limit,
            "rate_limit_per_second": self.rate_limit_per_second,
            "add_user": self.add_user,
            "add_channel": self.add_channel,
        }
        unknown = sorted(set(config) - set(actions))
        if unknown:
            raise ValueError(f"unknown config keys {unknown}; expected some of {sorted(actions)}")
        for key, value in config.items():
            for kwargs in value if isinstance(value, list) else [value]:
                actions[key](**kwargs)

    def _inject(self, method: str, injection: _Injection) -> None:
        if injection.remaining is not None and injection.remaining < 1:
            raise ValueError(f"times must be at least 1 or None, got {injection.remaining}")
        with self._lock:
            self._injections.setdefault(method, deque()).append(injection)

    # -- workspace model ---------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        tz: str = "America/New_York",
        tz_offset: int | None = None,
        is_bot: bool = False,
        deleted: bool = False,
        is_admin: bool = False,
        is_owner: bool = False,
        is_app_user: bool = False,
        team_id: str = TEAM_ID,
    ) -> dict[str, Any]:
        """Add or replace a member; ``tz_offset`` defaults to the zone's offset right now."""
        if tz_offset is None:
            offset = ZoneInfo(tz).utcoffset(datetime.now(UTC))
            tz_offset = int(offset.total_seconds()) if offset is not None else 0
        name = name or user_id.lower()
        real_name = real_name if real_name is not None else name
        user = {
            "id": user_id,
            "team_id": team_id,
            "name": name,
            "real_name": real_name,
            "tz": tz,
            "tz_label": tz,
            "tz_offset": tz_offset,
            "is_bot": is_bot,
            "deleted": deleted,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_app_user": is_app_user,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "profile": {
                "real_name": real_name,
                "real_name_normalized": real_name,
                "display_name": name,
                "display_name_normalized": name,
                "team": team_id,
            },
        }
        with self._lock:
            self._users[user_id] = user
        return user

    def add_channel(self, channel_id: str, members: Iterable[str] = ()) -> None:
        with self._lock:
            self._channels[channel_id] = list(members)

    def _add_default_users(self) -> None:
        # Real workspaces always list Slackbot, and it is *not* flagged is_bot: code that
        # filters members must check its id too, so the fake keeps that trap.
        self.add_user("USLACKBOT", name="slackbot", real_name="Slackbot", tz="America/Los_Angeles")
        bot = self.add_user(BOT_USER_ID, name=BOT_NAME, real_name="Change Pulse", is_bot=True)
        bot["profile"]["bot_id"] = BOT_ID

    # -- request handling --------------------------------------------------------------------

    def _dispatch(self, method: str, params: Params, headers: dict[str, str]) -> _Answer:
        # Scripted failures win over the token check, as an outage or 429 would at the edge.
        with self._changed:
            answer = self._scripted_answer(method)
            if answer is None:
                answer = self._answer(method, params, headers)
            self._record(method, params, headers, answer)
            return answer

    def _scripted_answer(self, method: str) -> _Answer | None:
        queue = self._injections.get(method)
        if queue:
            injection = queue[0]
            if injection.remaining is not None:
                injection.remaining -= 1
                if injection.remaining == 0:
                    queue.popleft()
            extra: tuple[tuple[str, str], ...] = ()
            if injection.retry_after is not None:
                extra = (("Retry-After", str(injection.retry_after)),)
            return _json_answer(injection.status, _failure(injection.error), extra)
        bucket = self._buckets.get(method)
        if bucket is not None:
            wait = bucket.take()
            if wait is not None:
                return _json_answer(429, _failure("ratelimited"), (("Retry-After", str(wait)),))
        return None

    def _answer(self, method: str, params: Params, headers: dict[str, str]) -> _Answer:
        if not _authorized(params, headers):
            return _json_answer(200, _failure("not_authed"))
        responder = self._responders.get(method)
        if responder is None:
            return _json_answer(200, _failure("unknown_method"))
        try:
            fields = responder(params)
        except ApiError as exc:
            return _json_answer(200, _failure(exc.error))
        return _json_answer(200, {"ok": True, **fields})

    def _record(self, method: str, params: Params, headers: dict[str, str], ans: _Answer) -> None:
        error = None
        if ans.content_type.startswith("application/json"):
            body = json.loads(ans.body)
            error = None if body.get("ok", True) else body.get("error", "unknown")
        elif ans.status != 200:
            error = "http_error"
        self._calls.append(Call(method, params, headers, time.time(), ans.status, error))
        self._changed.notify_all()

    def _receive_upload(self, file_id: str, content_type: str, raw: bytes) -> _Answer:
        data = raw
        if content_type.startswith("multipart/form-data"):
            parts = _parse_multipart(content_type, raw)
            files = [v for v in parts.values() if isinstance(v, bytes)]
            data = files[0] if files else b""
        with self._changed:
            known = file_id in self._files
            if known:
                self.uploads[file_id] = data
            answer = (
                _Answer(200, f"OK - {len(data)}".encode(), "text/plain; charset=utf-8")
                if known
                else _Answer(404, b"file not found", "text/plain; charset=utf-8")
            )
            params = {"file_id": file_id, "size": len(data)}
            self._record("_upload", params, {"Content-Type": content_type}, answer)
            return answer

    # -- Web API methods ---------------------------------------------------------------------

    def _next_ts(self) -> str:
        micros = next(self._ts)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    def _auth_test(self, params: Params) -> dict[str, Any]:
        return {
            "url": "https://fake-workspace.slack.com/",
            "team": TEAM_NAME,
            "user": BOT_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _message(self, params: Params, ts: str) -> dict[str, Any]:
        if not (params.get("text") or params.get("blocks") or params.get("attachments")):
            raise ApiError("no_text")
        blocks = params.get("blocks")
        if isinstance(blocks, list) and len(blocks) > _MESSAGE_BLOCK_LIMIT:
            raise ApiError("invalid_blocks")
        message: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "text": params.get("text", ""),
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if key in params:
                message[key] = params[key]
        return message

    def _channel_for(self, params: Params) -> str:
        channel = str(params.get("channel") or "")
        if not channel:
            raise ApiError("channel_not_found")
        # Posting to a user id lands in the DM with the bot, and Slack answers with that id.
        return _dm_channel(channel) if channel[0] in "UW" else channel

    def _chat_post_message(self, params: Params) -> dict[str, Any]:
        channel = self._channel_for(params)
        ts = self._next_ts()
        return {"channel": channel, "ts": ts, "message": self._message(params, ts)}

    def _chat_post_ephemeral(self, params: Params) -> dict[str, Any]:
        self._channel_for(params)
        if not params.get("user"):
            raise ApiError("user_not_found")
        ts = self._next_ts()
        self._message(params, ts)
        return {"message_ts": ts}

    def _chat_update(self, params: Params) -> dict[str, Any]:
        channel = self._channel_for(params)
        ts = str(params.get("ts") or "")
        if not ts:
            raise ApiError("message_not_found")
        return {
            "channel": channel,
            "ts": ts,
            "text": params.get("text", ""),
            "message": self._message(params, ts),
        }

    def _chat_get_permalink(self, params: Params) -> dict[str, Any]:
        channel = self._channel_for(params)
        ts = str(params.get("message_ts") or "")
        if not ts:
            raise ApiError("message_not_found")
        link = f"https://fake-workspace.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"channel": channel, "permalink": link}

    def _conversations_open(self, params: Params) -> dict[str, Any]:
        if params.get("channel"):
            return {"channel": {"id": str(params["channel"])}}
        users = [u for u in str(params.get("users") or "").split(",") if u]
        if not users:
            raise ApiError("users_list_not_supplied")
        if len(users) == 1:
            return {"channel": {"id": _dm_channel(users[0]), "is_im": True, "user": users[0]}}
        return {"channel": {"id": "G" + "".join(sorted(users)), "is_mpim": True}}

    def _conversations_members(self, params: Params) -> dict[str, Any]:
        channel = str(params.get("channel") or "")
        if channel not in self._channels:
            raise ApiError("channel_not_found")
        members, next_cursor = _page(self._channels[channel], params)
        return {"members": members, "response_metadata": {"next_cursor": next_cursor}}

    def _users_info(self, params: Params) -> dict[str, Any]:
        user = self._users.get(str(params.get("user") or ""))
        if user is None:
            raise ApiError("user_not_found")
        return {"user": json.loads(json.dumps(user))}

    def _users_list(self, params: Params) -> dict[str, Any]:
        users = [json.loads(json.dumps(u)) for u in self._users.values()]
        members, next_cursor = _page(users, params)
        return {
            "members": members,
            "cache_ts": int(time.time()),
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _team_info(self, params: Params) -> dict[str, Any]:
        return {"team": {"id": TEAM_ID, "name": TEAM_NAME, "domain": "fake-workspace"}}

    def _view(self, params: Params, view_id: str) -> dict[str, Any]:
        view = params.get("view")
        if not isinstance(view, dict) or "type" not in view:
            raise ApiError("invalid_arguments")
        blocks = view.get("blocks", [])
        if not isinstance(blocks, list) or len(blocks) > _VIEW_BLOCK_LIMIT:
            raise ApiError("invalid_arguments")
        title = view.get("title")
        if view["type"] == "modal" and (
            not isinstance(title, dict) or len(str(title.get("text", ""))) > _MODAL_TITLE_LIMIT
        ):
            raise ApiError("invalid_arguments")
        if view.get("external_id"):
            self._views_by_external_id[str(view["external_id"])] = view_id
        return {
            "view": {
                "private_metadata": "",
                "callback_id": "",
                "external_id": "",
                **view,
                "id": view_id,
                "team_id": TEAM_ID,
                "app_id": APP_ID,
                "bot_id": BOT_ID,
                "state": {"values": {}},
                "hash": f"{int(time.time())}.{view_id}",
                "root_view_id": view_id,
            }
        }

    def _views_open(self, params: Params) -> dict[str, Any]:
        if not params.get("trigger_id") and not params.get("interactivity_pointer"):
            raise ApiError("invalid_arguments")
        return self._view(params, self._next_id("V"))

    _views_push = _views_open

    def _views_update(self, params: Params) -> dict[str, Any]:
        view_id = params.get("view_id")
        external_id = params.get("external_id")
        if not view_id and external_id:
            view_id = self._views_by_external_id.get(str(external_id))
            if view_id is None:
                raise ApiError("not_found")
        if not view_id:
            raise ApiError("invalid_arguments")
        return self._view(params, str(view_id))

    def _views_publish(self, params: Params) -> dict[str, Any]:
        user_id = str(params.get("user_id") or "")
        if not user_id:
            raise ApiError("invalid_arguments")
        view = params.get("view")
        if not isinstance(view, dict) or view.get("type") != "home":
            raise ApiError("invalid_arguments")
        view_id = self._home_views.setdefault(user_id, self._next_id("V"))
        return self._view(params, view_id)

    def _files_get_upload_url_external(self, params: Params) -> dict[str, Any]:
        filename = params.get("filename")
        length = str(params.get("length") or "")
        if not filename or not length.isdigit():
            raise ApiError("invalid_arguments")
        file_id = self._next_id("F")
        self._files[file_id] = {"id": file_id, "name": filename, "size": int(length)}
        return {"upload_url": f"{self.origin}/_upload/{file_id}", "file_id": file_id}

    def _files_complete_upload_external(self, params: Params) -> dict[str, Any]:
        files = params.get("files")
        if not isinstance(files, list) or not files:
            raise ApiError("invalid_arguments")
        channels = [c for c in str(params.get("channels") or "").split(",") if c]
        if params.get("channel_id"):
            channels.insert(0, str(params["channel_id"]))
        completed = []
        for item in files:
            file_id = str(item.get("id") or "") if isinstance(item, dict) else ""
            if file_id not in self._files or file_id not in self.uploads:
                raise ApiError("file_not_found")
            stored = self._files[file_id]
            stored.update(
                title=item.get("title") or stored["name"],
                channels=channels,
                initial_comment=params.get("initial_comment"),
                size=len(self.uploads[file_id]),
            )
            completed.append(dict(stored))
        return {"files": completed}


# -- HTTP plumbing ---------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeSlack


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: pytest output should show the test's story, not an access log."""

    def _route(self) -> None:
        fake = self.server.fake
        url = urlsplit(self.path)
        path = url.path.rstrip("/")
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        content_type = self.headers.get("Content-Type", "")
        try:
            if path.startswith("/api/"):
                params = _query_params(url.query)
                params.update(_body_params(content_type, raw))
                params = {k: _decode_json_param(k, v) for k, v in params.items()}
                answer = fake._dispatch(path[len("/api/") :], params, dict(self.headers.items()))
            elif path.startswith("/_respond/") and self.command == "POST":
                # Stands in for a response_url (hooks.slack.com) that respond() posts to.
                params = _body_params(content_type, raw)
                params = {k: _decode_json_param(k, v) for k, v in params.items()}
                params["response_url_id"] = path[len("/_respond/") :]
                answer = _json_answer(200, {"ok": True})
                with fake._changed:
                    fake._record("response_url", params, dict(self.headers.items()), answer)
            elif path.startswith("/_upload/") and self.command == "POST":
                answer = fake._receive_upload(path[len("/_upload/") :], content_type, raw)
            elif path == "/_calls":
                method = _query_params(url.query).get("method")
                calls = fake.calls_to(method) if method else fake.calls
                answer = _json_answer(200, [c.to_json() for c in calls])
            elif path == "/_reset" and self.command == "POST":
                fake.reset()
                answer = _json_answer(200, {"ok": True})
            elif path == "/_config" and self.command == "POST":
                fake.configure(json.loads(raw or b"{}"))
                answer = _json_answer(200, {"ok": True})
            else:
                answer = _json_answer(404, _failure("not_found"))
        except (ValueError, TypeError) as exc:
            answer = _json_answer(
                400, {"ok": False, "error": "invalid_request", "detail": str(exc)}
            )
        self._send(answer)

    def _send(self, answer: _Answer) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)


def _json_answer(status: int, body: Any, headers: tuple[tuple[str, str], ...] = ()) -> _Answer:
    data = json.dumps(body, default=_jsonable).encode()
    return _Answer(status, data, headers=headers)


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _failure(error: str) -> dict[str, Any]:
    return {"ok": False, "error": error}


def _dm_channel(user_id: str) -> str:
    return f"D{user_id}"


def _authorized(params: Params, headers: dict[str, str]) -> bool:
    auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
    token = token or str(params.get("token") or "")
    return token.startswith(_TOKEN_PREFIXES)


def _query_params(query: str) -> Params:
    return {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}


def _body_params(content_type: str, raw: bytes) -> Params:
    if not raw:
        return {}
    if content_type.startswith("application/json"):
        body = json.loads(raw)
        if not isinstance(body, dict):
            raise ValueError("JSON body must be an object")
        return body
    if content_type.startswith("multipart/form-data"):
        return _parse_multipart(content_type, raw)
    return _query_params(raw.decode("utf-8"))


def _parse_multipart(content_type: str, raw: bytes) -> Params:
    """Fields as text, file parts as bytes; ``email`` does the parsing so we stay stdlib-only."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    fields: Params = {}
    for part in _iter_parts(message):
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        fields[name] = data if part.get_filename() is not None else data.decode("utf-8")
    return fields


def _iter_parts(message: Any) -> Iterator[Any]:
    if message.is_multipart():
        yield from message.iter_parts()


def _decode_json_param(key: str, value: Any) -> Any:
    if key in _JSON_PARAMS and isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _page(items: list[Any], params: Params) -> tuple[list[Any], str]:
    """Slack-style cursor paging: opaque base64 offsets, ``""`` once the last page is served."""
    try:
        limit = int(params.get("limit") or 100)
    except ValueError as exc:
        raise ApiError("invalid_limit") from exc
    limit = min(max(limit, 1), _MAX_PAGE)
    cursor = str(params.get("cursor") or "")
    offset = 0
    if cursor:
        try:
            decoded = base64.b64decode(cursor, validate=True).decode()
            offset = int(decoded.removeprefix("offset:"))
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise ApiError("invalid_cursor") from exc
    end = offset + limit
    next_cursor = base64.b64encode(f"offset:{end}".encode()).decode() if end < len(items) else ""
    return items[offset:end], next_cursor


# -- standalone mode -------------------------------------------------------------------------


def _rate_arg(text: str) -> tuple[str, float]:
    method, sep, rate = text.partition("=")
    try:
        if not sep or not method:
            raise ValueError
        return method, float(rate)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected METHOD=RATE, got {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGTERM/SIGINT; line 1 of stdout is ``FAKESLACK_URL=<base_url>``."""
    parser = argparse.ArgumentParser(description="Fake Slack Web API for tests and benchmarks.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--rate-limit",
        type=_rate_arg,
        action="append",
        default=[],
        metavar="METHOD=RATE",
        help="calls per second allowed for METHOD before 429 (repeatable)",
    )
    args = parser.parse_args(argv)

    stopping = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    fake = FakeSlack(host=args.host, port=args.port)
    for method, rate in args.rate_limit:
        fake.rate_limit_per_second(method, rate)
    fake.start()
    print(f"FAKESLACK_URL={fake.base_url}", flush=True)
    try:
        while not stopping.wait(timeout=0.5):
            pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
