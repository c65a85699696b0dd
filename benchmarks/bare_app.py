"""The floor for the ack benchmark: Bolt with an ack-only /feedback on our HTTP stack.

Same Bolt settings (process_before_response=True), same Starlette + uvicorn server and thread
pool as app.py, and nothing else, so the benchmark's ratio is the cost of our own work.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_bolt import Ack, App  # noqa: E402
from slack_sdk import WebClient  # noqa: E402

from bot.server import build_asgi, is_command, serve  # noqa: E402


def main() -> None:
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=True,
    )

    @app.command("/feedback")
    def ack_only(ack: Ack) -> None:
        ack(text="Thanks")

    # BARE_DISPATCH=pool keeps /feedback on the thread pool, to compare both ways.
    inline = None if os.environ.get("BARE_DISPATCH") == "pool" else is_command("/feedback")
    serve(
        build_asgi(app, health=lambda: {"database": "ok"}, inline=inline),
        port=int(os.environ["PORT"]),
    )


if __name__ == "__main__":
    main()
