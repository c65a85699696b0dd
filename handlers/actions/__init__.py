from slack_bolt import App

from handlers.actions import checkin_answer, checkin_comment, open_feedback


def register(app: App) -> None:
    open_feedback.register(app)
    checkin_answer.register(app)
    checkin_comment.register(app)
