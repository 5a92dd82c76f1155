"""Block Kit limit checks in playground.blockkit: valid payloads pass, each violation is named."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

from playground.blockkit import validate_blocks, validate_message, validate_view


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def option(value: str, text: str | None = None) -> dict[str, Any]:
    return {"text": plain(text or value.title()), "value": value}


def button(action_id: str = "ack", text: str = "Ack", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": plain(text), **extra}


def section(text: str = "hello", **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text), **extra}


def actions(*elements: dict[str, Any], block_id: str = "acts") -> dict[str, Any]:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def input_block(block_id: str, element: dict[str, Any], label: str = "Label") -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "label": plain(label), "element": element}


SEVERITY = {
    "type": "static_select",
    "action_id": "severity",
    "placeholder": plain("Pick one"),
    "options": [option("sev1"), option("sev2"), option("sev3")],
    "initial_option": option("sev2"),
}

VALID_MESSAGE_BLOCKS: list[dict[str, Any]] = [
    {"type": "header", "block_id": "head", "text": plain("Incident #42")},
    section(
        "*Checkout is down*",
        block_id="summary",
        accessory=button("open", "Open", value="42", style="danger"),
    ),
    {
        "type": "section",
        "block_id": "facts",
        "fields": [mrkdwn("*Sev*\n1"), mrkdwn("*Owner*\n@sam")],
    },
    {"type": "divider"},
    {
        "type": "context",
        "elements": [
            mrkdwn("Opened by <@U0SUP1>"),
            {"type": "image", "image_url": "https://example.com/a.png", "alt_text": "avatar"},
        ],
    },
    {
        "type": "image",
        "image_url": "https://example.com/graph.png",
        "alt_text": "error rate",
        "title": plain("Error rate"),
    },
    actions(
        button("ack", "Acknowledge", style="primary"),
        button("runbook", "Runbook", url="https://example.com/runbook"),
        SEVERITY,
        {
            "type": "overflow",
            "action_id": "more",
            "options": [option("mute"), option("close")],
        },
        {"type": "users_select", "action_id": "assign", "placeholder": plain("Assign")},
        {"type": "datepicker", "action_id": "due", "initial_date": "2024-05-01"},
        block_id="controls",
    ),
    {
        "type": "rich_text",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "hi"}]}],
    },
    {"type": "markdown", "text": "**Standard** markdown"},
]

VALID_MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "declare_incident",
    "private_metadata": '{"channel": "C0INCIDENTS"}',
    "title": plain("Declare incident"),
    "submit": plain("Declare"),
    "close": plain("Cancel"),
    "blocks": [
        input_block(
            "title",
            {
                "type": "plain_text_input",
                "action_id": "value",
                "max_length": 150,
                "placeholder": plain("What is broken?"),
            },
        ),
        input_block("severity", copy.deepcopy(SEVERITY), label="Severity"),
        input_block(
            "impact",
            {
                "type": "radio_buttons",
                "action_id": "value",
                "options": [
                    option("all"),
                    option("some"),
                    {"text": mrkdwn("*none*"), "value": "n"},
                ],
                "initial_option": option("some"),
            },
        ),
        input_block(
            "checks",
            {
                "type": "checkboxes",
                "action_id": "value",
                "options": [option("status_page"), option("exec_page")],
                "initial_options": [option("status_page")],
            },
        ),
        input_block("responders", {"type": "multi_users_select", "action_id": "value"}),
        section("Need help? Ask in #support", block_id="help"),
    ],
}


def test_valid_message_passes() -> None:
    assert validate_message("Incident #42", VALID_MESSAGE_BLOCKS) == []


def test_valid_modal_and_home_pass() -> None:
    assert validate_view(VALID_MODAL) == []
    home = {"type": "home", "blocks": VALID_MESSAGE_BLOCKS}
    assert validate_view(home) == []


def test_text_only_message_passes_and_empty_message_fails() -> None:
    assert validate_message("hello", None) == []
    assert validate_message(None, [section()]) == []
    assert validate_message("", []) == ["message: needs non-empty text or blocks"]
    assert validate_message(None, None, attachments=[{"text": "x"}]) == []


def test_message_limits() -> None:
    assert validate_message("x" * 40_001, None) == ["text: 40001 chars > 40000"]
    too_many = [section(block_id=f"b{i}") for i in range(51)]
    assert validate_message("t", too_many) == ["blocks: 51 blocks > 50"]
    assert validate_blocks(too_many, surface="modal") == []


def test_button_text_error_names_the_path() -> None:
    blocks = [section(), section(), section(), actions(button("a"), button("b", "x" * 80))]
    assert validate_message("t", blocks) == ["blocks[3].elements[1].text: 80 chars > 75"]


def errors_for(block: dict[str, Any], surface: str = "message") -> list[str]:
    return validate_blocks([block], surface=surface)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ({"type": "table"}, "blocks[0].type: unknown block type 'table'"),
        ({"text": mrkdwn("x")}, "blocks[0].type: unknown block type None"),
        (section(block_id="x" * 256), "blocks[0].block_id: 256 chars > 255"),
        (section("x" * 3001), "blocks[0].text: 3001 chars > 3000"),
        ({"type": "section"}, "blocks[0]: section needs text or fields"),
        (
            {"type": "section", "fields": [mrkdwn("f")] * 11},
            "blocks[0].fields: 11 fields > 10",
        ),
        (
            {"type": "section", "fields": [mrkdwn("x" * 2001)]},
            "blocks[0].fields[0]: 2001 chars > 2000",
        ),
        ({"type": "header", "text": plain("x" * 151)}, "blocks[0].text: 151 chars > 150"),
        ({"type": "header", "text": mrkdwn("hi")}, "blocks[0].text.type: must be plain_text"),
        (
            {"type": "context", "elements": [mrkdwn("c")] * 11},
            "blocks[0].elements: 11 elements > 10",
        ),
        (
            {"type": "context", "elements": [button()]},
            "blocks[0].elements[0].type: context allows text or image",
        ),
        (actions(*[button(f"b{i}") for i in range(26)]), "blocks[0].elements: 26 elements > 25"),
        (actions(), "blocks[0].elements: 0 elements < 1"),
        ({"type": "header"}, "blocks[0].text: required"),
        ({"type": "section", "text": {"type": "markdown", "text": "x"}}, "must be plain_text or"),
        ({"type": "section", "text": mrkdwn("")}, "blocks[0].text.text: must be a non-empty"),
        (
            {"type": "section", "text": {**mrkdwn("x"), "emoji": True}},
            "blocks[0].text.emoji: only allowed on plain_text",
        ),
        (actions(button(text="x" * 76)), "blocks[0].elements[0].text: 76 chars > 75"),
        (
            actions({**button(), "text": mrkdwn("Ack")}),
            "blocks[0].elements[0].text.type: must be plain_text",
        ),
        (actions(button(value="v" * 2001)), "blocks[0].elements[0].value: 2001 chars > 2000"),
        (actions(button("a" * 256)), "blocks[0].elements[0].action_id: 256 chars > 255"),
        (
            actions(button(url="https://x/" + "u" * 3000)),
            "blocks[0].elements[0].url: 3010 chars > 3000",
        ),
        (
            actions(button(style="secondary")),
            "blocks[0].elements[0].style: must be 'primary' or 'danger'",
        ),
        (
            actions(button("same"), button("same")),
            "blocks[0].elements[1].action_id: duplicate 'same' within the block",
        ),
        (
            actions({**SEVERITY, "options": [option(f"o{i}") for i in range(101)]}),
            "blocks[0].elements[0].options: 101 options > 100",
        ),
        (
            actions({**SEVERITY, "options": [option("a", "x" * 76)], "initial_option": None}),
            "blocks[0].elements[0].options[0].text: 76 chars > 75",
        ),
        (
            actions({**SEVERITY, "options": [option("v" * 151)], "initial_option": None}),
            "blocks[0].elements[0].options[0].value: 151 chars > 150",
        ),
        (
            actions({**SEVERITY, "initial_option": option("sev9")}),
            "blocks[0].elements[0].initial_option: not one of the options (value 'sev9')",
        ),
        (
            actions({**SEVERITY, "placeholder": plain("p" * 151)}),
            "blocks[0].elements[0].placeholder: 151 chars > 150",
        ),
        (
            actions({"type": "overflow", "action_id": "o", "options": [option("a")]}),
            "blocks[0].elements[0].options: 1 options < 2",
        ),
        (
            actions(
                {
                    "type": "overflow",
                    "action_id": "o",
                    "options": [option(f"{i}") for i in range(6)],
                }
            ),
            "blocks[0].elements[0].options: 6 options > 5",
        ),
        (
            actions(
                {
                    "type": "radio_buttons",
                    "action_id": "r",
                    "options": [option(f"o{i}") for i in range(11)],
                }
            ),
            "blocks[0].elements[0].options: 11 options > 10",
        ),
        (
            actions(
                {
                    "type": "checkboxes",
                    "action_id": "c",
                    "options": [option(f"o{i}") for i in range(11)],
                }
            ),
            "blocks[0].elements[0].options: 11 options > 10",
        ),
        (
            actions(
                {
                    "type": "checkboxes",
                    "action_id": "c",
                    "options": [option("a"), option("b")],
                    "initial_options": [option("a"), option("c")],
                }
            ),
            "blocks[0].elements[0].initial_options[1]: not one of the options (value 'c')",
        ),
        (
            actions({"type": "fancy_button", "action_id": "f"}),
            "blocks[0].elements[0].type: unknown element type 'fancy_button'",
        ),
        (
            actions({"type": "plain_text_input", "action_id": "t"}),
            "blocks[0].elements[0].type: plain_text_input is not allowed in an actions block",
        ),
        (
            section(accessory={"type": "image", "image_url": "https://x/a.png"}),
            "blocks[0].accessory.alt_text: required",
        ),
        (
            {"type": "image", "alt_text": "a"},
            "blocks[0]: needs exactly one of image_url or slack_file",
        ),
        (
            actions(button(confirm={"title": plain("Sure?"), "text": mrkdwn("x" * 301)})),
            "blocks[0].elements[0].confirm.text: 301 chars > 300",
        ),
        ({"type": "markdown", "text": "x" * 12_001}, "blocks[0].text: 12001 chars > 12000"),
        ("not a block", "blocks[0]: must be an object, got str"),
    ],
)
def test_block_violations(block: Any, expected: str) -> None:
    errors = errors_for(block)
    assert any(expected in e for e in errors), errors


def test_duplicate_block_ids_are_reported() -> None:
    errors = validate_blocks([section(block_id="a"), {"type": "divider", "block_id": "a"}])
    assert errors == ["blocks[1].block_id: duplicate 'a' (also blocks[0])"]


def test_action_ids_may_repeat_across_blocks() -> None:
    assert (
        validate_blocks([actions(button("x"), block_id="a"), actions(button("x"), block_id="b")])
        == []
    )


def test_input_blocks_are_rejected_in_messages_only() -> None:
    block = input_block("t", {"type": "plain_text_input", "action_id": "v"})
    assert errors_for(block) == ["blocks[0]: input blocks are not allowed in messages"]
    assert errors_for(block, surface="modal") == []
    assert errors_for(block, surface="home") == []


@pytest.mark.parametrize(
    ("element", "expected"),
    [
        (
            {"type": "plain_text_input", "action_id": "v", "max_length": 3001},
            "blocks[0].element.max_length: must be an integer 1..3000, got 3001",
        ),
        (
            {"type": "plain_text_input", "action_id": "v", "placeholder": plain("p" * 151)},
            "blocks[0].element.placeholder: 151 chars > 150",
        ),
        (
            {"type": "plain_text_input", "action_id": "v", "min_length": 10, "max_length": 5},
            "blocks[0].element.min_length: 10 > max_length 5",
        ),
        (
            {
                "type": "plain_text_input",
                "action_id": "v",
                "max_length": 3,
                "initial_value": "four",
            },
            "blocks[0].element.initial_value: 4 chars > 3",
        ),
        (button(), "blocks[0].element.type: button is not allowed in an input block"),
        (
            {"type": "datepicker", "action_id": "d", "initial_date": "01/05/2024"},
            "blocks[0].element.initial_date: must look like YYYY-MM-DD",
        ),
        (
            {"type": "number_input", "action_id": "n"},
            "blocks[0].element.is_decimal_allowed: required boolean",
        ),
    ],
)
def test_input_element_violations(element: dict[str, Any], expected: str) -> None:
    errors = errors_for(input_block("b", element), surface="modal")
    assert any(expected in e for e in errors), errors


def test_input_label_limits() -> None:
    block = input_block("b", {"type": "plain_text_input", "action_id": "v"}, label="x" * 2001)
    assert errors_for(block, surface="modal") == ["blocks[0].label: 2001 chars > 2000"]
    block["label"] = mrkdwn("label")
    assert errors_for(block, surface="modal") == [
        "blocks[0].label.type: must be plain_text, got 'mrkdwn'"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"type": "dialog"}, "type: must be 'modal' or 'home', got 'dialog'"),
        ({"title": None}, "title: required"),
        ({"title": plain("x" * 25)}, "title: 25 chars > 24"),
        ({"title": mrkdwn("Title")}, "title.type: must be plain_text, got 'mrkdwn'"),
        ({"submit": plain("x" * 25)}, "submit: 25 chars > 24"),
        ({"close": plain("x" * 25)}, "close: 25 chars > 24"),
        ({"submit": None}, "submit: required when the modal has input blocks"),
        ({"callback_id": "c" * 256}, "callback_id: 256 chars > 255"),
        ({"private_metadata": "m" * 3001}, "private_metadata: 3001 chars > 3000"),
        ({"external_id": "e" * 256}, "external_id: 256 chars > 255"),
        ({"blocks": None}, "blocks: required"),
        (
            {"blocks": [section(block_id=f"b{i}") for i in range(101)]},
            "blocks: 101 blocks > 100",
        ),
        (
            {"blocks": [section("x" * 3001)]},
            "blocks[0].text: 3001 chars > 3000",
        ),
    ],
)
def test_view_violations(change: dict[str, Any], expected: str) -> None:
    view = {**copy.deepcopy(VALID_MODAL), **change}
    view = {k: v for k, v in view.items() if v is not None}
    assert expected in validate_view(view)


def test_modal_without_inputs_needs_no_submit() -> None:
    view = {"type": "modal", "title": plain("Status"), "blocks": [section()]}
    assert validate_view(view) == []


def test_home_view_block_limit() -> None:
    home = {"type": "home", "blocks": [section(block_id=f"b{i}") for i in range(101)]}
    assert validate_view(home) == ["blocks: 101 blocks > 100"]


def test_slack_sdk_model_errors_are_reported_with_the_block_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Our explicit checks cover every limit slack_sdk 3.48 knows, so simulate a newer sdk
    # rule to prove its verdict still reaches the caller.
    class Strict:
        def validate_json(self) -> None:
            raise SlackObjectFormationError("shiny new limit")

    monkeypatch.setattr(Block, "parse", classmethod(lambda cls, block: Strict()))
    assert validate_blocks([section(), section()]) == [
        "blocks[0]: shiny new limit",
        "blocks[1]: shiny new limit",
    ]


def test_slack_sdk_is_not_consulted_when_our_checks_already_failed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def boom(cls: object, block: object) -> None:
        raise AssertionError("should not be called")

    monkeypatch.setattr(Block, "parse", classmethod(boom))
    assert validate_blocks([section("x" * 3001)]) == ["blocks[0].text: 3001 chars > 3000"]


def test_unknown_surface_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown surface"):
        validate_blocks([], surface="canvas")  # type: ignore[arg-type]
