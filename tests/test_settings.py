"""Start-up with missing or malformed settings: one clear line, exit status 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.slackrig import BOT_TOKEN, ROOT, SIGNING_SECRET

GOOD = {
    "SLACK_BOT_TOKEN": BOT_TOKEN,
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    "SLACK_API_URL": "http://127.0.0.1:9/api/",
}


def start(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CHANGEPULSE"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("PORT", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py")],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "variable", "hint"),
    [
        ({k: v for k, v in GOOD.items() if k != "SLACK_BOT_TOKEN"}, "SLACK_BOT_TOKEN", "xoxb-"),
        ({**GOOD, "SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN", "xoxb-"),
        (
            {k: v for k, v in GOOD.items() if k != "SLACK_SIGNING_SECRET"},
            "SLACK_SIGNING_SECRET",
            "",
        ),
        ({**GOOD, "PORT": "eighty"}, "PORT", "65535"),
        ({**GOOD, "PORT": "70000"}, "PORT", "65535"),
        ({**GOOD, "DATABASE_URL": "mysql://x/y"}, "DATABASE_URL", "postgresql+psycopg"),
        ({**GOOD, "CHANGEPULSE_ADMINS": "U123,bob"}, "CHANGEPULSE_ADMINS", "user ids"),
        ({**GOOD, "SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN", "xapp-"),
        ({**GOOD, "SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL", "http"),
        ({**GOOD, "LOG_LEVEL": "LOUD"}, "LOG_LEVEL", "INFO"),
    ],
)
def test_bad_setting_stops_with_one_line(
    env: dict[str, str], variable: str, hint: str, tmp_path: Path
) -> None:
    result = start(env, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0] and hint in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "changepulse.db").exists()


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxp-from-dotenv\n")
    env = {k: v for k, v in GOOD.items() if k != "SLACK_BOT_TOKEN"}
    result = start(env, tmp_path)
    # The value came from .env (it is read, and it is checked like any other).
    assert result.returncode == 2 and "SLACK_BOT_TOKEN is invalid" in result.stderr


def test_unreachable_slack_is_one_clear_line(tmp_path: Path) -> None:
    result = start(GOOD, tmp_path)  # nothing listens on port 9
    assert result.returncode == 2
    assert "unreachable" in result.stderr and "SLACK_API_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    env = {**GOOD, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none"}
    result = start(env, tmp_path)
    assert result.returncode == 2
    assert "DATABASE_URL is unreachable" in result.stderr
    assert "Traceback" not in result.stderr


def test_migrations_run_alone_with_only_a_database_url(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CHANGEPULSE"))}
    clean.pop("DATABASE_URL", None)
    run = subprocess.run(
        [sys.executable, "-m", "storage.migrate"],
        env={**clean, "DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}", "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "migrations applied" in run.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "storage.migrate"],
        env={**clean, "DATABASE_URL": "mysql://x/y", "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "DATABASE_URL" in bad.stderr
    assert "Traceback" not in bad.stderr
