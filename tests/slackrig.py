"""Drives the real app the way Slack does: signed HTTP requests to a running process.

`RunningApp` starts `python app.py` as README says, with SLACK_API_URL pointing at our fake
Slack, and `SlackClient` sends slash commands, block actions, view submissions and events
signed with the app's signing secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-test-token"
TEAM_ID = "T1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sign(
    body: str, *, timestamp: int | None = None, secret: str = SIGNING_SECRET
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class RunningApp:
    """One `python app.py` process with its own database and captured logs."""

    database_url: str
    slack_api_url: str
    workdir: Path
    env_extra: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    script: str = "app.py"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CHANGEPULSE"))}
        env.update(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=self.slack_api_url,
            DATABASE_URL=self.database_url,
            PORT=str(self.port),
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        env.pop("SLACK_APP_TOKEN", None)
        env.update(self.env_extra)
        return env

    def start(self, *, timeout: float = 30.0) -> RunningApp:
        self.port = free_port()
        self.log_path = self.workdir / f"app-{self.port}.log"
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / self.script)],
            cwd=self.workdir,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"app exited early:\n{self.logs()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"app did not become healthy:\n{self.logs()}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def stop(self, *, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class SlackClient:
    """Sends what Slack would send, signed, over real HTTP."""

    def __init__(self, base_url: str, *, response_url_base: str) -> None:
        self.base_url = base_url
        self.response_url_base = response_url_base
        self.http = httpx.Client(timeout=10)

    def post(
        self,
        body: str,
        *,
        content_type: str,
        headers: dict[str, str] | None = None,
        signed: bool = True,
        timestamp: int | None = None,
    ) -> httpx.Response:
        all_headers = {"Content-Type": content_type}
        if signed:
            all_headers.update(sign(body, timestamp=timestamp))
        all_headers.update(headers or {})
        return self.http.post(f"{self.base_url}/slack/events", content=body, headers=all_headers)

    def command_body(
        self, command: str, text: str = "", *, user_id: str = "U100", user_name: str = "alex"
    ) -> str:
        return urlencode(
            {
                "token": "legacy",
                "team_id": TEAM_ID,
                "team_domain": "acme",
                "channel_id": "C0GENERAL",
                "channel_name": "general",
                "user_id": user_id,
                "user_name": user_name,
                "command": command,
                "text": text,
                "api_app_id": "A1",
                "is_enterprise_install": "false",
                "response_url": f"{self.response_url_base}{uuid.uuid4().hex}",
                "trigger_id": f"{int(time.time())}.{uuid.uuid4().int % 10**12}.abc",
            }
        )

    def command(self, command: str, text: str = "", **kwargs: Any) -> httpx.Response:
        body = self.command_body(command, text, **kwargs)
        return self.post(body, content_type="application/x-www-form-urlencoded")

    def interactive(self, payload: dict[str, Any], **kwargs: Any) -> httpx.Response:
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, content_type="application/x-www-form-urlencoded", **kwargs)

    def block_action(
        self,
        action_id: str,
        *,
        value: str = "",
        user_id: str = "U100",
        message: dict[str, Any] | None = None,
        channel_id: str = "D100",
        block_id: str = "b1",
    ) -> httpx.Response:
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": {"id": user_id, "username": "alex", "team_id": TEAM_ID},
            "api_app_id": "A1",
            "trigger_id": f"{int(time.time())}.{uuid.uuid4().int % 10**12}.def",
            "response_url": f"{self.response_url_base}{uuid.uuid4().hex}",
            "container": {"type": "message", "channel_id": channel_id, "message_ts": "1.1"},
            "channel": {"id": channel_id},
            "message": message or {"ts": "1.1", "text": "", "blocks": []},
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": block_id,
                    "value": value,
                    "action_ts": str(time.time()),
                }
            ],
        }
        return self.interactive(payload)

    def view_submission(
        self,
        callback_id: str,
        values: dict[str, dict[str, dict[str, Any]]],
        *,
        user_id: str = "U100",
        private_metadata: str = "",
    ) -> httpx.Response:
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": {"id": user_id, "username": "alex", "team_id": TEAM_ID},
            "api_app_id": "A1",
            "trigger_id": f"{int(time.time())}.{uuid.uuid4().int % 10**12}.ghi",
            "view": {
                "id": "V1",
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "state": {"values": values},
            },
        }
        return self.interactive(payload)

    def event(self, event: dict[str, Any], **kwargs: Any) -> httpx.Response:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM_ID,
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": f"Ev{uuid.uuid4().hex[:10]}",
                "event_time": int(time.time()),
                "authorizations": [{"team_id": TEAM_ID, "user_id": "UBOT", "is_bot": True}],
                "event": event,
            }
        )
        return self.post(body, content_type="application/json", **kwargs)
