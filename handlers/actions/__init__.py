from slack_bolt import App

from handlers.actions import (
    checkin_answer,
    checkin_comment,
    home_digest_now,
    home_export,
    home_post_update,
    home_send_now,
    home_settings,
    open_feedback,
)


def register(app: App) -> None:
    open_feedback.register(app)
    checkin_answer.register(app)
    checkin_comment.register(app)
    home_settings.register(app)
    home_send_now.register(app)
    home_digest_now.register(app)
    home_export.register(app)
    home_post_update.register(app)
