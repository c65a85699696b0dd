"""Composition root: settings → database → Slack client → Bolt app → listeners → scheduler → serve.

No business logic lives here.
"""

from __future__ import annotations

import logging
import sys

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import shifted_clock, system_clock
from bot.config import SettingsError, load_settings
from bot.logs import configure_logging
from bot.scheduler import build_scheduler
from bot.server import build_asgi, is_command, serve
from bot.services import build_services
from bot.slack_app import build_app, build_client
from handlers import register
from handlers.context import install
from storage.db import Database

logger = logging.getLogger("changepulse")


def main() -> int:
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(settings.log_level)

    db = Database(settings.database_url)
    client = build_client(settings)
    try:
        db.migrate()
    except SQLAlchemyError as error:
        print(
            f"Change Pulse cannot start: DATABASE_URL is unreachable ({error.__class__.__name__})"
            "; check the URL and that the database is running.",
            file=sys.stderr,
        )
        return 2
    try:
        team_id = client.auth_test()["team_id"]
    except SlackApiError as error:
        print(
            f"Change Pulse cannot start: Slack rejected SLACK_BOT_TOKEN "
            f"({error.response.get('error')}); copy the bot token again.",
            file=sys.stderr,
        )
        return 2
    except OSError as error:
        print(
            f"Change Pulse cannot start: Slack's Web API is unreachable ({error}); check "
            "SLACK_API_URL and the network.",
            file=sys.stderr,
        )
        return 2
    clock = (
        shifted_clock(settings.changepulse_test_clock_file)
        if settings.changepulse_test_clock_file
        else system_clock
    )
    services = build_services(settings=settings, db=db, client=client, clock=clock, team_id=team_id)
    app = build_app(settings, client)
    install(app, services)
    register(app)

    scheduler = build_scheduler(services)
    scheduler.start()
    services.outbox.start()
    services.scoring.submit_pending()

    def health() -> dict[str, str]:
        return {
            "database": "ok" if db.ping() else "down",
            "scheduler": "ok" if scheduler.running and services.outbox.running else "stopped",
        }

    try:
        if settings.slack_app_token:
            # Socket Mode: events come over the socket; HTTP serves only /healthz.
            socket_mode = SocketModeHandler(app, settings.slack_app_token)
            socket_mode.connect()
            logger.info("connected in Socket Mode; health on port %d", settings.port)
            try:
                serve(build_asgi(None, health=health), port=settings.port)
            finally:
                socket_mode.close()
        else:
            logger.info("serving HTTP on port %d", settings.port)
            # On SQLite a /feedback ack is a local write of well under a millisecond, so it
            # runs on the event loop, unless another thread holds the writer (then the loop
            # would wait for it). PostgreSQL is a network round trip, so it stays pooled.
            inline = is_command("/feedback", unless=db.writer_busy) if db.is_sqlite else None
            serve(build_asgi(app, health=health, inline=inline), port=settings.port)
    finally:
        scheduler.shutdown(wait=False)
        services.outbox.stop()
        services.scoring.shutdown()
        services.background.shutdown(wait=True)
        db.dispose()
        logger.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
