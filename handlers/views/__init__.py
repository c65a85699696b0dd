from slack_bolt import App

from handlers.views import feedback_modal


def register(app: App) -> None:
    feedback_modal.register(app)
