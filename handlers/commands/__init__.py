from slack_bolt import App

from handlers.commands import feedback, pulse


def register(app: App) -> None:
    feedback.register(app)
    pulse.register(app)
