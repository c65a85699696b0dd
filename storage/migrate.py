"""`python -m storage.migrate`: apply migrations alone, e.g. before rolling out replicas."""

from __future__ import annotations

import sys

from bot.config import SettingsError, load_database_settings
from storage.db import Database


def main() -> int:
    try:
        settings = load_database_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    Database(settings.database_url).migrate()
    print("migrations applied")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
