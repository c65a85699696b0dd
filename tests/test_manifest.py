"""The manifest creates the app in one paste: every command, scope, event and URL we rely on."""

from __future__ import annotations

import json
import re

from tests.slackrig import ROOT

MANIFEST = json.loads((ROOT / "manifest.json").read_text())

# Web API methods the code calls, and the bot scope each one needs.
SCOPE_FOR = {
    "chat_postMessage": "chat:write",
    "chat_update": "chat:write",
    "users_info": "users:read",
    "users_list": "users:read",
    "conversations_members": "channels:read",
    "files_upload_v2": "files:write",
    "conversations_open": "im:write",
}


def source_text() -> str:
    return "\n".join(
        path.read_text() for folder in ("bot", "handlers") for path in (ROOT / folder).rglob("*.py")
    )


def test_every_registered_command_is_in_the_manifest() -> None:
    registered = set(re.findall(r'app\.command\("(/[a-z-]+)"\)', source_text()))
    declared = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    assert registered == declared == {"/feedback", "/pulse"}
    assert all(c["should_escape"] for c in MANIFEST["features"]["slash_commands"])


def test_scopes_cover_every_method_we_call() -> None:
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    code = source_text()
    for method, scope in SCOPE_FOR.items():
        if method in code:
            assert scope in scopes, f"{method} needs {scope}"
    assert "commands" in scopes and "groups:read" in scopes


def test_events_interactivity_home_and_socket_mode() -> None:
    settings = MANIFEST["settings"]
    registered = set(re.findall(r'app\.event\("([a-z_.]+)"\)', source_text()))
    assert set(settings["event_subscriptions"]["bot_events"]) == registered
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["interactivity"]["request_url"].endswith("/slack/events")
    assert settings["socket_mode_enabled"] is True
    home = MANIFEST["features"]["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"]
