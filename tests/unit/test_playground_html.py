"""Block Kit to HTML for the playground (playground/html.py), checked through html.parser."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from markupsafe import Markup

from playground.html import RenderContext, render_blocks, render_message, render_view

USERS = {"U1": "Ann", "U2": "Bob", "UBOT": "supportbot"}
CHANNELS = {"C1": "general", "C2": "incidents"}
CTX = RenderContext(users=USERS, channels=CHANNELS, channel_id="C1", message_ts="1.000001")
VIEW_CTX = RenderContext(users=USERS, channels=CHANNELS, view_id="V1")

VOID = {"input", "img", "hr", "br", "meta", "link"}


# -- a tiny DOM ------------------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def iter(self) -> list[Node]:
        found: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                found.append(child)
                found.extend(child.iter())
        return found

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes())
            and all(n.attrs.get(k) == v for k, v in wanted.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag} class={cls} {attrs}> in {self.text()!r}"
        return found[0]

    def ancestors(self) -> list[Node]:
        out: list[Node] = []
        node = self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: Markup) -> Node:
    assert isinstance(html, Markup)
    builder = _Builder()
    builder.feed(str(html))
    builder.close()
    assert builder.stack == [builder.root], "unclosed tags"
    return builder.root


def blocks_dom(*blocks: dict[str, Any], ctx: RenderContext = CTX) -> Node:
    return parse(render_blocks(list(blocks), ctx=ctx))


def view_dom(*blocks: dict[str, Any], errors: dict[str, str] | None = None) -> Node:
    view = {
        "id": "V1",
        "type": "modal",
        "callback_id": "declare_incident",
        "title": {"type": "plain_text", "text": "Declare"},
        "submit": {"type": "plain_text", "text": "Declare"},
        "close": {"type": "plain_text", "text": "Never mind"},
        "blocks": list(blocks),
    }
    return parse(render_view(view, ctx=VIEW_CTX, errors=errors))


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def md(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def option(label: str, value: str) -> dict[str, Any]:
    return {"text": plain(label), "value": value}


def actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "block_id": "acts", "elements": list(elements)}


def input_block(block_id: str, element: dict[str, Any], **extra: Any) -> dict[str, Any]:
    block = {"type": "input", "block_id": block_id, "label": plain("Label"), "element": element}
    return block | extra


# -- blocks ---------------------------------------------------------------------------------


def test_header() -> None:
    dom = blocks_dom({"type": "header", "block_id": "h", "text": plain("Incident :fire:")})
    block = dom.find("div", "block-header", data_block_id="h")
    assert block.find("h3").text() == "Incident \U0001f525"


def test_section_text_fields_and_accessory() -> None:
    dom = blocks_dom(
        {
            "type": "section",
            "block_id": "s",
            "text": md("*Status:* open"),
            "fields": [md("*Severity*\nSEV1"), plain("Owner")],
            "accessory": {"type": "button", "action_id": "ack", "text": plain("Ack")},
        }
    )
    block = dom.find("div", "block-section", data_block_id="s")
    assert block.find("div", "section-text").find("b").text() == "Status:"
    fields = block.find_all("div", "section-field")
    assert [f.text() for f in fields] == ["SeveritySEV1", "Owner"]
    assert fields[0].find_all("br")
    button = block.find("div", "section-accessory").find("button")
    assert button.attrs["data-block-id"] == "s"
    assert button.attrs["data-action-id"] == "ack"


def test_context_with_text_and_image() -> None:
    dom = blocks_dom(
        {
            "type": "context",
            "elements": [
                md("by <@U1>"),
                plain("plain *x*"),
                {"type": "image", "image_url": "https://x.example/a.png", "alt_text": "logo"},
            ],
        }
    )
    block = dom.find("div", "block-context")
    texts = block.find_all("span", "context-text")
    assert texts[0].find("span", "mention").text() == "@Ann"
    assert texts[1].text() == "plain *x*"
    img = block.find("img", "context-image")
    assert img.attrs["src"] == "https://x.example/a.png"
    assert img.attrs["alt"] == "logo"


def test_divider() -> None:
    dom = blocks_dom({"type": "divider"})
    assert dom.find("div", "block-divider").find("hr")


def test_image_block() -> None:
    dom = blocks_dom(
        {
            "type": "image",
            "image_url": "https://x.example/graph.png",
            "alt_text": "error rate",
            "title": plain("Errors"),
        }
    )
    block = dom.find("div", "block-image")
    assert block.find("div", "image-title").text() == "Errors"
    assert block.find("img").attrs["src"] == "https://x.example/graph.png"


def test_image_with_unsafe_url_is_not_loaded() -> None:
    dom = blocks_dom({"type": "image", "image_url": "javascript:alert(1)", "alt_text": "x"})
    assert not dom.find_all("img")
    assert "image-missing" in dom.find("span").classes()


def test_actions_block_renders_each_element() -> None:
    dom = blocks_dom(
        actions(
            {"type": "button", "action_id": "a", "text": plain("A")},
            {"type": "button", "action_id": "b", "text": plain("B")},
        )
    )
    block = dom.find("div", "block-actions", data_block_id="acts")
    assert [b.attrs["data-action-id"] for b in block.find_all("button")] == ["a", "b"]


def test_input_block_in_a_view() -> None:
    element = {"type": "plain_text_input", "action_id": "title"}
    block = {
        "type": "input",
        "block_id": "title_block",
        "label": plain("Title"),
        "hint": plain("Short, please"),
        "element": element,
    }
    dom = view_dom(block)
    wrapper = dom.find("div", "input-block", data_block_id="title_block")
    assert "block-input" in wrapper.classes()
    label = wrapper.find("label", "input-label")
    assert label.text() == "Title"
    field = wrapper.find("input", name="title_block.title")
    assert label.attrs["for"] == field.attrs["id"]
    assert "required" in field.attrs
    assert wrapper.find("div", "input-hint").text() == "Short, please"


def test_optional_input_is_not_required() -> None:
    dom = view_dom(input_block("b", {"type": "plain_text_input", "action_id": "a"}, optional=True))
    assert "(optional)" in dom.find("label").text()
    assert "required" not in dom.find("input").attrs


def test_rich_text() -> None:
    dom = blocks_dom(
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "text", "text": "Hello ", "style": {"bold": True}},
                        {"type": "user", "user_id": "U1"},
                        {"type": "text", "text": " <b>raw</b> "},
                        {"type": "link", "url": "https://x.example", "text": "docs"},
                        {"type": "emoji", "name": "tada"},
                    ],
                },
                {
                    "type": "rich_text_list",
                    "style": "bullet",
                    "elements": [
                        {"type": "rich_text_section", "elements": [{"type": "text", "text": "a"}]},
                        {"type": "rich_text_section", "elements": [{"type": "text", "text": "b"}]},
                    ],
                },
                {"type": "rich_text_preformatted", "elements": [{"type": "text", "text": "x=1"}]},
                {"type": "rich_text_quote", "elements": [{"type": "text", "text": "quoted"}]},
            ],
        }
    )
    block = dom.find("div", "block-rich_text")
    section = block.find("div", "rt-section")
    assert section.text() == "Hello @Ann <b>raw</b> docs\U0001f389"
    assert section.find("b").text() == "Hello "
    assert not section.find_all("b")[1:]  # the literal <b> stayed text
    assert section.find("a").attrs["href"] == "https://x.example"
    assert [li.text() for li in block.find("ul").find_all("li")] == ["a", "b"]
    assert block.find("pre").text() == "x=1"
    assert block.find("blockquote").text() == "quoted"


def test_unsupported_block_is_visible() -> None:
    dom = blocks_dom({"type": "call", "call_id": "R1"}, {"type": "divider"})
    placeholder = dom.find("div", "unsupported")
    assert placeholder.text() == "Unsupported block: call"
    assert dom.find("div", "block-divider")


def test_block_that_is_not_an_object_is_visible() -> None:
    dom = parse(render_blocks(["oops"], ctx=CTX))  # type: ignore[list-item]
    assert dom.find("div", "unsupported").text() == "Unsupported block: str"


def test_unsupported_element_is_visible() -> None:
    dom = blocks_dom(actions({"type": "workflow_button", "action_id": "w", "text": plain("W")}))
    assert dom.find("div", "unsupported").text() == "Unsupported element: workflow_button"


def test_unsupported_accessory_is_visible() -> None:
    dom = blocks_dom({"type": "section", "text": md("x"), "accessory": {"type": "external_select"}})
    accessory = dom.find("div", "section-accessory")
    assert accessory.find("div", "unsupported").text() == "Unsupported element: external_select"


# -- elements -------------------------------------------------------------------------------


def test_button_data_attributes() -> None:
    dom = blocks_dom(
        actions({"type": "button", "action_id": "ack", "text": plain("Ack"), "value": "inc-7"})
    )
    button = dom.find("button")
    assert button.attrs["type"] == "button"
    assert button.attrs["class"] == "btn"
    assert button.attrs["data-action-id"] == "ack"
    assert button.attrs["data-block-id"] == "acts"
    assert button.attrs["data-type"] == "button"
    assert button.attrs["data-value"] == "inc-7"
    assert button.text() == "Ack"


@pytest.mark.parametrize("style", ["primary", "danger"])
def test_button_styles(style: str) -> None:
    element = {"type": "button", "action_id": "a", "text": plain("Go"), "style": style}
    button = blocks_dom(actions(element)).find("button")
    assert button.classes() == {"btn", f"btn-{style}"}


def test_button_url_and_confirm() -> None:
    element = {
        "type": "button",
        "action_id": "a",
        "text": plain("Open"),
        "url": "https://x.example/runbook",
        "confirm": {
            "title": plain("Sure?"),
            "text": plain("Really page?"),
            "confirm": plain("Yes"),
            "deny": plain("No"),
        },
    }
    button = blocks_dom(actions(element)).find("button")
    assert button.attrs["data-url"] == "https://x.example/runbook"
    assert button.attrs["data-confirm"] == "Really page?"
    assert "data-value" not in button.attrs


def test_button_with_unsafe_url_has_no_data_url() -> None:
    element = {"type": "button", "action_id": "a", "text": plain("x"), "url": "javascript:x"}
    assert "data-url" not in blocks_dom(actions(element)).find("button").attrs


def test_static_select_with_initial_option() -> None:
    element = {
        "type": "static_select",
        "action_id": "sev",
        "placeholder": plain("Severity"),
        "options": [option("SEV1", "sev1"), option("SEV2", "sev2")],
        "initial_option": option("SEV2", "sev2"),
    }
    select = blocks_dom(actions(element)).find("select")
    assert select.attrs["data-type"] == "static_select"
    assert select.attrs["data-action-id"] == "sev"
    assert select.attrs["data-block-id"] == "acts"
    options = select.find_all("option")
    assert [(o.attrs["value"], o.text()) for o in options] == [
        ("", "Severity"),
        ("sev1", "SEV1"),
        ("sev2", "SEV2"),
    ]
    assert [o.attrs["value"] for o in options if "selected" in o.attrs] == ["sev2"]
    assert "disabled" in options[0].attrs


def test_static_select_without_initial_option_shows_placeholder() -> None:
    element = {"type": "static_select", "action_id": "s", "options": [option("A", "a")]}
    options = blocks_dom(actions(element)).find_all("option")
    assert [o.attrs["value"] for o in options if "selected" in o.attrs] == [""]


def test_static_select_option_groups() -> None:
    element = {
        "type": "static_select",
        "action_id": "s",
        "option_groups": [{"label": plain("Team"), "options": [option("Ops", "ops")]}],
    }
    group = blocks_dom(actions(element)).find("optgroup")
    assert group.attrs["label"] == "Team"
    assert group.find("option").attrs["value"] == "ops"


def test_overflow() -> None:
    element = {
        "type": "overflow",
        "action_id": "more",
        "options": [option("Edit", "edit"), option("Delete", "delete")],
    }
    select = blocks_dom(actions(element)).find("select")
    assert "overflow" in select.classes()
    assert select.attrs["data-type"] == "overflow"
    assert select.attrs["data-action-id"] == "more"
    values = [o.attrs["value"] for o in select.find_all("option")]
    assert values == ["", "edit", "delete"]


def test_checkboxes_with_initial_options() -> None:
    element = {
        "type": "checkboxes",
        "action_id": "steps",
        "options": [
            option("Paged", "paged"),
            {"text": md("*Posted*"), "value": "posted", "description": plain("in #status")},
            option("Fixed", "fixed"),
        ],
        "initial_options": [option("Paged", "paged"), option("Fixed", "fixed")],
    }
    group = blocks_dom(actions(element)).find("div", "checkboxes")
    assert group.attrs["data-type"] == "checkboxes"
    assert group.attrs["data-action-id"] == "steps"
    assert group.attrs["data-block-id"] == "acts"
    boxes = group.find_all("input")
    assert [b.attrs["type"] for b in boxes] == ["checkbox"] * 3
    assert [b.attrs["value"] for b in boxes] == ["paged", "posted", "fixed"]
    assert [b.attrs["value"] for b in boxes if "checked" in b.attrs] == ["paged", "fixed"]
    assert {b.attrs["data-type"] for b in boxes} == {"checkboxes"}  # for serialising by name
    assert [b.attrs["data-label"] for b in boxes] == ["Paged", "*Posted*", "Fixed"]
    assert not [b for b in boxes if "data-action-id" in b.attrs]  # the group is the element
    assert group.find("b").text() == "Posted"
    assert group.find("span", "choice-description").text() == "in #status"


def test_radio_buttons_with_initial_option() -> None:
    element = {
        "type": "radio_buttons",
        "action_id": "sev",
        "options": [option("SEV1", "1"), option("SEV2", "2")],
        "initial_option": option("SEV2", "2"),
    }
    group = blocks_dom(actions(element)).find("div", "radio-buttons")
    assert group.attrs["data-type"] == "radio_buttons"
    radios = group.find_all("input")
    assert {r.attrs["type"] for r in radios} == {"radio"}
    assert [r.attrs["value"] for r in radios if "checked" in r.attrs] == ["2"]
    names = {r.attrs["name"] for r in radios}
    assert len(names) == 1  # one group
    assert {r.attrs["form"] for r in radios} == {"pg-detached"}  # outside FormData


def test_plain_text_input_single_line() -> None:
    element = {
        "type": "plain_text_input",
        "action_id": "title",
        "initial_value": 'DB "down"',
        "placeholder": plain("What broke?"),
        "max_length": 80,
    }
    field = view_dom(input_block("t", element)).find("input", name="t.title")
    assert field.attrs["type"] == "text"
    assert field.attrs["value"] == 'DB "down"'
    assert field.attrs["placeholder"] == "What broke?"
    assert field.attrs["maxlength"] == "80"
    assert field.attrs["data-type"] == "plain_text_input"
    assert field.attrs["data-action-id"] == "title"
    assert field.attrs["data-block-id"] == "t"


def test_plain_text_input_multiline() -> None:
    element = {
        "type": "plain_text_input",
        "action_id": "notes",
        "multiline": True,
        "initial_value": "line 1\n</textarea><script>x</script>",
    }
    dom = view_dom(input_block("n", element))
    area = dom.find("textarea", name="n.notes")
    assert area.text() == "line 1\n</textarea><script>x</script>"
    assert not dom.find_all("script")


def test_users_select_lists_ctx_users() -> None:
    element = {"type": "users_select", "action_id": "owner", "initial_user": "U2"}
    select = view_dom(input_block("o", element)).find("select", name="o.owner")
    assert select.attrs["data-type"] == "users_select"
    options = [(o.attrs["value"], o.text()) for o in select.find_all("option")][1:]
    assert options == [("U1", "Ann"), ("U2", "Bob"), ("UBOT", "supportbot")]
    assert [o.attrs["value"] for o in select.find_all("option") if "selected" in o.attrs] == ["U2"]


def test_multi_users_select() -> None:
    element = {"type": "multi_users_select", "action_id": "who", "initial_users": ["U1", "UBOT"]}
    select = view_dom(input_block("w", element)).find("select", name="w.who")
    assert "multiple" in select.attrs
    assert select.attrs["data-type"] == "multi_users_select"
    chosen = [o.attrs["value"] for o in select.find_all("option") if "selected" in o.attrs]
    assert chosen == ["U1", "UBOT"]


def test_conversations_select_lists_ctx_channels() -> None:
    element = {"type": "conversations_select", "action_id": "c", "initial_conversation": "C2"}
    select = blocks_dom(actions(element)).find("select")
    options = [(o.attrs["value"], o.text()) for o in select.find_all("option")][1:]
    assert options == [("C1", "#general"), ("C2", "#incidents")]


def test_datepicker() -> None:
    element = {"type": "datepicker", "action_id": "day", "initial_date": "2024-05-01"}
    field = view_dom(input_block("d", element)).find("input", name="d.day")
    assert field.attrs["type"] == "date"
    assert field.attrs["value"] == "2024-05-01"
    assert field.attrs["data-type"] == "datepicker"


def test_image_element() -> None:
    dom = blocks_dom(
        {
            "type": "section",
            "text": md("x"),
            "accessory": {"type": "image", "image_url": "https://x.example/i.png", "alt_text": "i"},
        }
    )
    img = dom.find("div", "section-accessory").find("img")
    assert "element-image" in img.classes()
    assert img.attrs["alt"] == "i"


def test_elements_outside_views_have_no_form_names() -> None:
    element = {"type": "static_select", "action_id": "s", "options": [option("A", "a")]}
    dom = blocks_dom(input_block("b", element), ctx=RenderContext())
    assert "name" not in dom.find("select").attrs


def test_attribute_values_are_escaped() -> None:
    element = {
        "type": "button",
        "action_id": 'x" onclick="alert(1)',
        "text": plain("x"),
        "value": "<v>&",
    }
    html = render_blocks([actions(element)], ctx=CTX)
    assert 'onclick="' not in str(html)
    button = parse(html).find("button")
    assert button.attrs["data-action-id"] == 'x" onclick="alert(1)'
    assert button.attrs["data-value"] == "<v>&"
    assert "onclick" not in button.attrs


# -- messages -------------------------------------------------------------------------------


def message(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "type": "message",
        "channel": "C1",
        "ts": "1700000000.000100",
        "user": "U1",
        "text": "hello *world*",
        "blocks": None,
        "thread_ts": None,
        "reply_count": 0,
        "ephemeral_for": None,
        "edits": 0,
    }
    return base | extra


def test_message_author_time_and_text() -> None:
    dom = parse(render_message(message(), ctx=CTX))
    root = dom.find("div", "message")
    assert root.attrs["data-channel"] == "C1"
    assert root.attrs["data-ts"] == "1700000000.000100"
    assert root.find("span", "message-author").text() == "Ann"
    time = root.find("time")
    assert re.fullmatch(r"\d\d:\d\d", time.text())
    assert time.attrs["datetime"]
    assert root.find("div", "message-text").find("b").text() == "world"
    assert not root.find_all(cls="message-edited")
    assert not root.find_all(cls="badge-ephemeral")
    assert not root.find_all(cls="thread-link")


def test_bot_message_is_marked() -> None:
    dom = parse(render_message(message(user="UBOT", bot_id="B0BOT"), ctx=CTX))
    root = dom.find("div", "message")
    assert "message-bot" in root.classes()
    assert root.find("span", "message-author").text() == "supportbot"
    assert root.find("span", "badge-app").text() == "APP"


def test_unknown_author_falls_back_to_id() -> None:
    dom = parse(render_message(message(user="U404"), ctx=CTX))
    assert dom.find("span", "message-author").text() == "U404"


def test_edited_and_ephemeral_message() -> None:
    dom = parse(render_message(message(edits=2, ephemeral_for="U1"), ctx=CTX))
    root = dom.find("div", "message")
    assert "message-ephemeral" in root.classes()
    assert root.attrs["data-ephemeral-for"] == "U1"
    assert root.find("span", "message-edited").text() == "(edited)"
    assert root.find("span", "badge-ephemeral").text() == "Only visible to you"


def test_replies_link() -> None:
    msg = message(reply_count=3, thread_ts="1700000000.000100")
    link = parse(render_message(msg, ctx=CTX)).find("a", "thread-link")
    assert link.text() == "3 replies"
    assert link.attrs["data-thread-ts"] == "1700000000.000100"
    assert link.attrs["data-channel"] == "C1"
    one = parse(render_message(message(reply_count=1), ctx=CTX)).find("a", "thread-link")
    assert one.text() == "1 reply"


def test_message_blocks_replace_text_and_sit_inside_the_message() -> None:
    blocks = [
        {"type": "section", "text": md("from blocks")},
        actions({"type": "button", "action_id": "ack", "text": plain("Ack"), "value": "1"}),
    ]
    dom = parse(render_message(message(blocks=blocks, text="fallback"), ctx=RenderContext()))
    assert "fallback" not in dom.text()
    assert "from blocks" in dom.text()
    button = dom.find("button", data_action_id="ack")
    holder = next(a for a in button.ancestors() if "data-ts" in a.attrs)
    assert holder.attrs["data-channel"] == "C1"
    assert holder.attrs["data-ts"] == "1700000000.000100"


def test_message_radio_names_are_scoped_to_the_message() -> None:
    radio = {"type": "radio_buttons", "action_id": "r", "options": [option("A", "a")]}
    first = parse(render_message(message(blocks=[actions(radio)]), ctx=CTX)).find("input")
    second_msg = message(blocks=[actions(radio)], ts="1700000001.000100")
    second = parse(render_message(second_msg, ctx=CTX)).find("input")
    assert first.attrs["name"] != second.attrs["name"]


def test_message_attachments_are_shown() -> None:
    msg = message(attachments=[{"color": "danger", "text": "legacy *x*"}])
    attachment = parse(render_message(msg, ctx=CTX)).find("div", "attachment")
    assert attachment.find("b").text() == "x"
    assert attachment.attrs["style"] == "border-left-color: #e01e5a"


def test_attachment_color_is_validated() -> None:
    msg = message(attachments=[{"color": "red;background:url(x)", "text": "t"}])
    attachment = parse(render_message(msg, ctx=CTX)).find("div", "attachment")
    assert "style" not in attachment.attrs


# -- views ----------------------------------------------------------------------------------


def test_view_form_attributes_title_and_buttons() -> None:
    dom = view_dom({"type": "section", "text": md("Hi")})
    form = dom.find("form")
    assert form.attrs["data-view-id"] == "V1"
    assert form.attrs["data-callback-id"] == "declare_incident"
    assert form.attrs["data-view-type"] == "modal"
    assert form.find("h2", "view-title").text() == "Declare"
    submit = form.find("button", data_role="submit")
    assert submit.attrs["type"] == "submit"
    assert submit.text() == "Declare"
    close = form.find("button", data_role="close")
    assert close.attrs["type"] == "button"
    assert "data-close-view" in close.attrs
    assert close.text() == "Never mind"


def test_view_without_submit_has_only_close() -> None:
    view = {"id": "V2", "type": "modal", "title": plain("Info"), "blocks": []}
    form = parse(render_view(view, ctx=VIEW_CTX)).find("form")
    assert not form.find_all("button", data_role="submit")
    assert form.find("button", data_role="close").text() == "Cancel"


def test_home_view_has_no_modal_buttons() -> None:
    view = {"id": "V3", "type": "home", "blocks": [{"type": "section", "text": md("Home")}]}
    form = parse(render_view(view, ctx=VIEW_CTX)).find("form")
    assert form.attrs["data-view-type"] == "home"
    assert not form.find_all("button")


def test_view_field_names_for_state_values() -> None:
    dom = view_dom(
        input_block("title", {"type": "plain_text_input", "action_id": "value"}),
        input_block(
            "sev",
            {"type": "static_select", "action_id": "pick", "options": [option("SEV1", "1")]},
        ),
        input_block(
            "steps",
            {"type": "checkboxes", "action_id": "done", "options": [option("A", "a")]},
        ),
        input_block(
            "kind",
            {"type": "radio_buttons", "action_id": "choice", "options": [option("B", "b")]},
        ),
        input_block("who", {"type": "multi_users_select", "action_id": "users"}),
        input_block("day", {"type": "datepicker", "action_id": "date"}),
    )
    names = {n.attrs.get("name") for n in dom.iter() if n.tag in ("input", "select", "textarea")}
    assert names == {
        "title.value",
        "sev.pick",
        "steps.done",
        "kind.choice",
        "who.users",
        "day.date",
    }
    assert not [n for n in dom.iter() if "form" in n.attrs]  # all belong to the view's form


def test_field_errors_are_shown_under_their_input() -> None:
    dom = view_dom(
        input_block("title", {"type": "plain_text_input", "action_id": "v"}),
        input_block("summary", {"type": "plain_text_input", "action_id": "v"}),
        errors={"title": "Too <b>short</b>"},
    )
    title = dom.find("div", "block-input", data_block_id="title")
    assert "has-error" in title.classes()
    assert title.find("div", "field-error").text() == "Too <b>short</b>"
    summary = dom.find("div", "block-input", data_block_id="summary")
    assert not summary.find_all(cls="field-error")
    assert "has-error" not in summary.classes()


def test_errors_for_unknown_blocks_are_not_lost() -> None:
    dom = view_dom(
        input_block("title", {"type": "plain_text_input", "action_id": "v"}),
        errors={"nope": "Bad"},
    )
    assert dom.find("div", "form-errors").find("div", "field-error").text() == "nope: Bad"


def test_view_buttons_do_not_submit_the_form() -> None:
    dom = view_dom(actions({"type": "button", "action_id": "more", "text": plain("More")}))
    button = dom.find("button", data_action_id="more")
    assert button.attrs["type"] == "button"


# -- escaping -------------------------------------------------------------------------------


def test_escaped_script_in_section_stays_text() -> None:
    html = render_blocks(
        [{"type": "section", "text": md("&lt;script&gt;alert(1)&lt;/script&gt;")}], ctx=CTX
    )
    assert "<script" not in str(html)
    assert parse(html).find("div", "section-text").text() == "<script>alert(1)</script>"


def test_plain_text_header_with_script_stays_text() -> None:
    html = render_blocks([{"type": "header", "text": plain("<script>alert(1)</script>")}], ctx=CTX)
    assert "<script" not in str(html)
    assert parse(html).find("h3").text() == "<script>alert(1)</script>"


def test_plain_text_header_shows_broadcast_literally() -> None:
    dom = blocks_dom({"type": "header", "text": plain("<!channel> heads up")})
    assert dom.find("h3").text() == "<!channel> heads up"
    assert not dom.find_all(cls="mention")


def test_option_label_with_img_stays_text() -> None:
    evil = "<img src=x onerror=alert(1)>"
    element = {"type": "static_select", "action_id": "s", "options": [option(evil, "v")]}
    checkbox = {"type": "checkboxes", "action_id": "c", "options": [option(evil, "v")]}
    html = render_blocks([actions(element, checkbox)], ctx=CTX)
    assert "<img src=x" not in str(html)
    dom = parse(html)
    assert not dom.find_all("img")
    assert dom.find("option", value="v").text() == evil


def test_evil_names_in_context_are_escaped() -> None:
    ctx = RenderContext(users={"U1": "<img src=x onerror=alert(1)>"}, channels={})
    html = render_message(message(text="<@U1>", user="U1"), ctx=ctx)
    assert "<img src=x" not in str(html)


def test_an_uploaded_image_shows_as_a_picture_with_its_alt_text_and_title():
    message = {
        "ts": "1.0",
        "user": "UBOT",
        "bot_id": "B0",
        "text": "",
        "files": [
            {
                "id": "F1",
                "title": "Incidents per day",
                "mimetype": "image/png",
                "alt_txt": "Stacked bars: 6 incidents",
                "url_private": "http://127.0.0.1:3000/fake/files/F1/chart.png",
            },
            {"id": "F2", "title": "notes", "mimetype": "text/plain", "url_private": "http://x/n"},
        ],
    }
    html = str(render_message(message, ctx=RenderContext()))
    assert 'src="http://127.0.0.1:3000/fake/files/F1/chart.png"' in html
    assert 'alt="Stacked bars: 6 incidents"' in html
    assert '<figcaption class="file-title">Incidents per day</figcaption>' in html
    assert '<a href="http://x/n">notes</a>' in html


def test_an_image_block_may_name_an_uploaded_file_by_id():
    block = {"type": "image", "slack_file": {"id": "F1"}, "alt_text": "chart"}
    ctx = RenderContext(files={"F1": "http://127.0.0.1:3000/fake/files/F1/c.png"})
    assert 'src="http://127.0.0.1:3000/fake/files/F1/c.png"' in str(render_blocks([block], ctx=ctx))
    assert "[image: chart]" in str(render_blocks([block], ctx=RenderContext()))


@pytest.mark.parametrize(
    ("zone", "shown"), [("America/New_York", "09:30"), ("Europe/Berlin", "15:30")]
)
def test_message_times_are_in_the_plans_timezone(zone: str, shown: str) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    ts = f"{datetime(2026, 11, 30, 14, 30, tzinfo=ZoneInfo('UTC')).timestamp():.6f}"
    html = str(
        render_message(
            {"type": "message", "ts": ts, "text": "hi"}, ctx=RenderContext(timezone=ZoneInfo(zone))
        )
    )
    assert f">{shown}</time>" in html
