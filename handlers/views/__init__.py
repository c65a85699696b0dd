from slack_bolt import App

from handlers.views import checkin_comment, feedback_modal, pulse_settings, you_said_we_did


def register(app: App) -> None:
    feedback_modal.register(app)
    checkin_comment.register(app)
    pulse_settings.register(app)
    you_said_we_did.register(app)
