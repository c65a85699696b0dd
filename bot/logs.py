"""Logging set-up: INFO by default, and nothing that ties a person to what they wrote.

slack_sdk logs request bodies at DEBUG, which would put feedback text and user ids side by
side, so its loggers stay at WARNING unless LOG_LEVEL=DEBUG is asked for explicitly.
"""

from __future__ import annotations

import logging
import sys

NOISY = ("slack_sdk", "slack_bolt", "urllib3", "apscheduler", "alembic", "uvicorn.access")


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in NOISY:
        logging.getLogger(name).setLevel("DEBUG" if level == "DEBUG" else "WARNING")
