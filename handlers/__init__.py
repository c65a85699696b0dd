"""Slack listeners, grouped the way Slack groups them. Each package has `register(app)`."""

from slack_bolt import App

from handlers import actions, commands, events, views


def register(app: App) -> None:
    commands.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
