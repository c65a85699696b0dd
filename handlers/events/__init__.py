from slack_bolt import App

from handlers.events import app_home_opened


def register(app: App) -> None:
    app_home_opened.register(app)
