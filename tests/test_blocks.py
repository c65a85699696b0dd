"""Pure builders and parsers: no Slack, no database."""

from __future__ import annotations

import json

import pytest

from bot.blocks.feedback import feedback_modal, feedback_recorded
from bot.blocks.home import participant_home
from bot.blocks.pulse import help_message
from bot.feedback import TOPICS, FeedbackRefused, Refusal, clean_text, validate
from bot.mrkdwn import escape, quote
from handlers.parsing import parse_targets, plain_from_command


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("<https://evil.example|payroll>", "&lt;https://evil.example|payroll&gt;"),
        ("a & b", "a &amp; b"),
        ("&lt;", "&amp;lt;"),
    ],
)
def test_escape_makes_markup_inert(raw: str, shown: str) -> None:
    assert escape(raw) == shown


def test_quote_fits_a_section_and_quotes_every_line() -> None:
    quoted = quote("line one\n\nline <three>" + "x" * 5000)
    assert len(quoted) <= 3000
    assert quoted.startswith("> line one\n>\n> line &lt;three&gt;")


def test_command_text_becomes_what_the_person_typed_without_ids() -> None:
    text = plain_from_command(
        "ask <@U0ABC|maria> in <#C0DEF|ops> &lt;now&gt; &amp; see <https://x.io|the doc> <!here>"
    )
    assert text == "ask @maria in #ops <now> & see the doc (https://x.io) @here"
    assert "U0ABC" not in text and "C0DEF" not in text
    assert plain_from_command("<@U0ABC>") == "@someone"


def test_targets_accept_both_mention_forms_and_report_plain_names() -> None:
    targets = parse_targets(["<@U1|ann>", "<@W2>", "<#C3|general>", "<#G4>", "@bob", "<@U1>"])
    assert targets.users == ["U1", "W2"]
    assert targets.channels == ["C3", "G4"]
    assert targets.unresolved == ["@bob"]


def test_validation_cleans_and_refuses() -> None:
    assert clean_text("  caf\u0065\u0301 \u200b\u202eok\u202c\x00 ") == "caf\u00e9 ok"
    assert validate("\U0001f44e") == "\U0001f44e"  # an emoji alone is still feedback
    for text, refusal in (
        ("", Refusal.EMPTY),
        (" \n\t\u200b", Refusal.EMPTY),
        ("x" * 3001, Refusal.TOO_LONG),
        ("@ann #ops https://x.io !!", Refusal.ONLY_MARKUP),
    ):
        with pytest.raises(FeedbackRefused) as refused:
            validate(text)
        assert refused.value.refusal is refusal
    assert len(validate("y" * 3000)) == 3000


def test_feedback_modal_respects_slack_limits() -> None:
    modal = feedback_modal(topics=TOPICS)
    assert len(modal["title"]["text"]) <= 24
    assert len(modal["submit"]["text"]) <= 24
    assert len(modal["blocks"]) <= 100
    text_input = modal["blocks"][1]["element"]
    assert text_input["multiline"] and text_input["max_length"] == 3000
    assert modal["blocks"][2]["optional"] is True


def test_confirmation_quotes_escaped_text_and_has_fallback() -> None:
    message = feedback_recorded(text="<!channel> " + "z" * 4000)
    assert message["text"]
    rendered = json.dumps(message)
    assert "<!channel>" not in rendered and "&lt;!channel&gt;" in rendered
    assert all(len(b["text"]["text"]) <= 3000 for b in message["blocks"] if b["type"] == "section")


def test_home_escapes_the_system_name_and_offers_feedback() -> None:
    home = participant_home(system_name="<!here> ERP")
    rendered = json.dumps(home)
    assert home["type"] == "home" and len(home["blocks"]) <= 100
    assert "&lt;!here&gt; ERP" in rendered and "<!here>" not in rendered
    assert "home_open_feedback" in rendered


def test_help_differs_by_role() -> None:
    assert "lead @user" not in help_message(can_manage=False)["text"]
    assert "lead @user" in help_message(can_manage=True)["text"]


def test_user_group_mentions_become_plain_names() -> None:
    assert plain_from_command("ping <!subteam^S1|@devs> now") == "ping @devs now"


def test_message_refuses_more_blocks_than_slack_takes_instead_of_dropping_them() -> None:
    from bot.blocks import message, section

    assert len(message("ok", [section("x")] * 50)["blocks"]) == 50
    with pytest.raises(ValueError, match="51 blocks"):
        message("too many", [section("x")] * 51)


def test_a_long_groups_list_is_split_into_sections_without_cutting_a_mention() -> None:
    from bot.blocks import SECTION_LIMIT
    from bot.blocks.pulse import groups_message

    members = [f"U{n:09d}" for n in range(400)]  # ~5,600 characters of mentions in one line
    groups = {"nurses": members, "porters": members[:3]}
    payload = groups_message(groups)
    texts = [block["text"]["text"] for block in payload["blocks"]]
    assert len(texts) >= 2
    assert all(len(text) <= SECTION_LIMIT for text in texts)
    joined = "".join(texts)
    for member in members:
        assert f"<@{member}>" in joined  # every mention whole, none cut
    assert "*porters* (3)" in joined


def test_sections_keeps_short_text_in_one_section() -> None:
    from bot.blocks import sections

    assert sections("one line\ntwo lines") == [
        {"type": "section", "text": {"type": "mrkdwn", "text": "one line\ntwo lines"}}
    ]


def test_pulse_answers_render_people_and_escape_what_was_typed() -> None:
    from bot.blocks import pulse as p

    def text(payload: dict[str, object]) -> str:
        blocks = payload["blocks"]
        assert isinstance(blocks, list)
        return "".join(block["text"]["text"] for block in blocks)

    assert text(p.change_leads_message(["U1", "U2"])) == (
        "Change lead: <@U1>, <@U2>. They get alerts and reports."
    )
    assert text(p.champions_changed_message(["U1"], added=True)) == "<@U1> are now champions."
    assert text(p.champions_changed_message(["U1"], added=False)) == (
        "<@U1> are no longer champions."
    )
    assert text(p.champions_message([])) == "*Champions:* nobody yet"
    assert text(p.group_set_message(["U3"], group="manager")) == "<@U3> now in group *manager*."
    assert "`executive`, `manager`" in text(p.group_name_refused_message(("executive", "manager")))
    unreadable = text(p.unreadable_channels_message(["C1", "C2"], rest_saved=True))
    assert "<#C1>, <#C2>" in unreadable and unreadable.endswith("The rest was saved.")
    assert "rest was saved" not in text(p.unreadable_channels_message(["C1"], rest_saved=False))
    # Words someone typed come back inert: escaped, and unable to close the `code` span.
    hostile = ["<!channel>", "a`b&c"]
    for payload in (
        p.unresolved_users_message(hostile, usage="lead @user…"),
        p.audience_usage_message(unresolved=hostile),
    ):
        shown = text(payload)
        assert "<!channel>" not in shown and "`&lt;!channel&gt;`" in shown
        assert "`a'b&amp;c`" in shown
    assert text(p.mention_usage_message("lead @user…")) == (
        "Usage: `/pulse lead @user…` (mention people with @)."
    )


def test_a_list_too_long_for_one_message_is_cut_with_a_note_not_refused() -> None:
    from bot.blocks import MESSAGE_BLOCK_LIMIT, TOO_LONG, sections
    from bot.blocks.pulse import groups_message

    payload = groups_message({"everyone": [f"U{n:09d}" for n in range(12_000)]})
    assert len(payload["blocks"]) == MESSAGE_BLOCK_LIMIT
    assert payload["blocks"][-1]["text"]["text"] == TOO_LONG
    assert sections("   ") == [{"type": "section", "text": {"type": "mrkdwn", "text": "…"}}]


def test_command_words_keep_a_mention_with_spaces_whole() -> None:
    from handlers.parsing import command_words

    assert command_words("lead <@U1|Ana Lima>  <#C2|ops team> @bob") == [
        "lead",
        "<@U1|Ana Lima>",
        "<#C2|ops team>",
        "@bob",
    ]
    assert command_words("group set End User <@U3>") == ["group", "set", "End", "User", "<@U3>"]
    assert command_words("odd <unclosed text") == ["odd", "<unclosed", "text"]
    assert parse_targets(command_words("<@U1|Ana Lima>")).users == ["U1"]
