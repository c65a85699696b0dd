from slack_bolt import App

from handlers.actions import open_feedback


def register(app: App) -> None:
    open_feedback.register(app)
