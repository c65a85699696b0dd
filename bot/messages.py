"""User-facing text that repeats, in one place (as slack-bolt keeps its logger messages)."""

from __future__ import annotations

FEEDBACK_LIMIT = 3000

ANONYMOUS_PROMISE = (
    "Your words are stored without your name, Slack id, channel or time of day, under a random "
    "id, and are only ever shown in groups of enough people that nobody can be singled out."
)
ANONYMOUS_NOT_STORED = (
    "What is not stored: who wrote it, when exactly, or where from. What is: the text, the day, "
    "and your stakeholder group only when that group is large enough to hide in."
)

FEEDBACK_EMPTY = (
    "There's nothing to send yet. Type your feedback after the command, like "
    "`/feedback the export takes ages`, or run `/feedback` alone to open a form."
)
FEEDBACK_TOO_LONG = (
    "That's {length:,} characters; feedback can be at most {limit:,}. Please shorten it "
    "(or split it into two) and send it again. Nothing was stored."
)
FEEDBACK_ONLY_MARKUP = (
    "That feedback has no words in it, only mentions, links or punctuation. Please say in "
    "words what is going on; nothing was stored."
)
FEEDBACK_STORE_FAILED = (
    "Sorry, I couldn't save your feedback just now: nothing was stored. Please try again in a "
    "minute. Here is your text so you don't lose it:"
)
FEEDBACK_THANKS = "Thank you, your anonymous feedback was recorded."
FEEDBACK_WHAT_NEXT = (
    "The change lead reads it with everyone else's, grouped by theme, and acts on what many "
    "people raise. " + ANONYMOUS_PROMISE
)

NOT_ALLOWED = (
    "Sorry, `/pulse {subcommand}` is for the change lead and admins. Try `/pulse help` to see "
    "what you can do."
)
UNKNOWN_SUBCOMMAND = "I don't know `/pulse {subcommand}`. Here is what you can do:"
ERROR_GENERIC = "Something went wrong on our side; nothing was changed. Please try again."
DATABASE_DOWN = (
    "Change Pulse can't reach its database right now, so nothing was changed. Please try again "
    "in a minute."
)

CHECKIN_ANONYMOUS = (
    "Anonymous: your answers are stored without your name or the time, and only ever shown "
    "in groups of enough people that nobody can be singled out."
)
CHECKIN_CLOSED = (
    "This check-in has closed, so that answer was not recorded. The next one will arrive as a "
    "new message. You can tell us anything anonymously at any time with `/feedback`."
)
CHECKIN_COMMENT_THANKS = "Your comment was recorded anonymously. Thank you!"

SEND_NOW_CLOSED = (
    "This week's check-in already ran and closed, so nothing was sent. The next one opens on "
    "schedule (`/pulse schedule` to see or change when)."
)
SEND_NOW_NO_AUDIENCE = (
    "Nobody is in the audience yet, so nothing was sent. Add people with "
    "`/pulse audience add #channel` or `/pulse audience add @user`."
)
SCHEDULE_USAGE = (
    "Usage: `/pulse schedule <weekday> <HH:MM>`, for example `/pulse schedule tue 10:00` "
    "(24-hour clock; each person gets it at that time in their own timezone)."
)
SETTINGS_SAVED = (
    "Settings saved. Check-in settings apply from the next check-in, alert settings from the "
    "next alert."
)

ALERT_NO_THEME_TACTIC = (
    "Read it with this week's other feedback, and ask a champion whether others feel the same."
)
ALERT_WHY_BATCHED = (
    "Alerts come in batches every {minutes} minutes, so when one arrives says nothing about "
    "who wrote it. The authors are not stored; groups are named only when they have at least "
    "{min_size} members."
)
TREND_MOOD_TACTIC = (
    "Ask the group's champion what changed this week, and tell people what you are doing "
    "about their top complaint."
)
TREND_PARTICIPATION_TACTIC = (
    "Silence is resistance too: ask champions why people stopped answering, and show what "
    "changed because of earlier feedback."
)

DIGEST_NO_RECIPIENTS = (
    "There is nobody to send a digest to yet. Name champions with `/pulse champion add @user…` "
    "and the change lead with `/pulse lead @user`."
)
DIGEST_NO_CLOSED_CYCLE = (
    "No check-in has closed yet, so there is no digest to send. Each week's digest goes out "
    "when its check-in closes, so that nobody's answer can be read off a number that moves."
)
EXPORT_STARTED = (
    "I'll DM you the export in a moment: two CSV files, weekly aggregates per group and "
    "anonymised comments."
)
EXPORT_SENT = (
    "Sent: the export is in your DM with Change Pulse ({files}). Cells marked `suppressed` "
    "belong to groups too small to show."
)
EXPORT_FAILED = (
    "Sorry, I couldn't deliver the export: Slack refused the file upload. Nothing was shared "
    "with anyone. Please try again in a minute."
)
EXPORT_COMMENT = (
    "Your Change Pulse export: weekly aggregates per stakeholder group (cells too small to "
    "show say `suppressed`) and anonymised comments with their scores and themes. Comments "
    "carry a week, never a name or a time; please keep the files among the people who run "
    "the rollout."
)
HOME_NOT_ALLOWED = "That button is for the change lead and admins."
UPDATE_NOT_ALLOWED = (
    "Only the change lead and admins can post \u201cyou said, we did\u201d updates."
)
CHAMPION_USAGE = "Usage: `/pulse champion add @user…` or `/pulse champion remove @user…`"
AUDIENCE_USAGE = "Usage: `/pulse audience`, `/pulse audience add|remove #channel @user…`"
GROUP_USAGE = "Usage: `/pulse group set <group> @user…`, e.g. `group set manager @ana`"
