"""Block Kit limits as Slack enforces them, reported as path-qualified error strings."""

from __future__ import annotations

import copy
import re
from typing import Any, Literal

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

Surface = Literal["message", "modal", "home"]

MAX_BLOCKS: dict[str, int] = {"message": 50, "modal": 100, "home": 100}
MAX_MESSAGE_TEXT = 40_000

BLOCK_TYPES = frozenset(
    {
        "section",
        "header",
        "context",
        "divider",
        "image",
        "actions",
        "input",
        "rich_text",
        "markdown",
    }
)

_SELECTS = frozenset(
    {"static_select", "external_select", "users_select", "conversations_select", "channels_select"}
)
_MULTI_SELECTS = frozenset("multi_" + kind for kind in _SELECTS)
_CHOICES = frozenset({"radio_buttons", "checkboxes"})
_PICKERS = frozenset({"datepicker", "timepicker", "datetimepicker"})
_TEXT_INPUTS = frozenset(
    {
        "plain_text_input",
        "email_text_input",
        "url_text_input",
        "number_input",
        "rich_text_input",
        "file_input",
    }
)

SECTION_ACCESSORIES = frozenset(
    {"button", "overflow", "image", "workflow_button", "datepicker", "timepicker"}
    | _SELECTS
    | _MULTI_SELECTS
    | _CHOICES
)
ACTIONS_ELEMENTS = frozenset(
    {"button", "overflow", "workflow_button"} | _SELECTS | _MULTI_SELECTS | _CHOICES | _PICKERS
)
INPUT_ELEMENTS = _SELECTS | _MULTI_SELECTS | _CHOICES | _PICKERS | _TEXT_INPUTS
ELEMENT_TYPES = SECTION_ACCESSORIES | ACTIONS_ELEMENTS | INPUT_ELEMENTS

_RICH_TEXT_PARTS = frozenset(
    {"rich_text_section", "rich_text_list", "rich_text_preformatted", "rich_text_quote"}
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def validate_message(
    text: str | None,
    blocks: list[dict[str, Any]] | None,
    *,
    attachments: list[dict[str, Any]] | None = None,
) -> list[str]:
    """Check a chat message (text + blocks) against Slack's limits; empty list means valid."""
    checker = _Checker()
    has_text = False
    if text is not None:
        if not isinstance(text, str):
            checker.add("text", f"must be a string, got {type(text).__name__}")
        else:
            has_text = bool(text)
            if len(text) > MAX_MESSAGE_TEXT:
                checker.add("text", f"{len(text)} chars > {MAX_MESSAGE_TEXT}")
    if blocks is not None:
        checker.blocks("blocks", blocks, surface="message")
    # Attachments alone are a legitimate message body, so they satisfy the "not empty" rule.
    if not has_text and not blocks and not attachments:
        checker.add("message", "needs non-empty text or blocks")
    return checker.errors


def validate_view(view: dict[str, Any]) -> list[str]:
    """Check a modal or App Home view object against Slack's limits; empty list means valid."""
    if not isinstance(view, dict):
        return [f"view: must be an object, got {type(view).__name__}"]
    checker = _Checker()
    kind = view.get("type")
    if kind not in ("modal", "home"):
        checker.add("type", f"must be 'modal' or 'home', got {kind!r}")
    blocks = view.get("blocks")
    if kind == "modal":
        checker.text("title", view.get("title"), max_len=24, plain_only=True)
        checker.text("submit", view.get("submit"), max_len=24, plain_only=True, required=False)
        checker.text("close", view.get("close"), max_len=24, plain_only=True, required=False)
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if has_input and view.get("submit") is None:
            checker.add("submit", "required when the modal has input blocks")
    checker.string("callback_id", view.get("callback_id"), 255)
    checker.string("private_metadata", view.get("private_metadata"), 3000)
    checker.string("external_id", view.get("external_id"), 255)
    if blocks is None:
        checker.add("blocks", "required")
    else:
        checker.blocks("blocks", blocks, surface="home" if kind == "home" else "modal")
    return checker.errors


def validate_blocks(blocks: list[dict[str, Any]], *, surface: Surface = "message") -> list[str]:
    """Check a list of blocks for one surface ("message", "modal" or "home")."""
    if surface not in MAX_BLOCKS:
        raise ValueError(f"unknown surface {surface!r}")
    checker = _Checker()
    checker.blocks("blocks", blocks, surface=surface)
    return checker.errors


class _Checker:
    """Accumulates errors while walking a payload."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    # -- primitives -----------------------------------------------------------------------

    def string(
        self, path: str, value: Any, max_len: int, *, required: bool = False, min_len: int = 0
    ) -> None:
        if value is None:
            if required:
                self.add(path, "required")
            return
        if not isinstance(value, str):
            self.add(path, f"must be a string, got {type(value).__name__}")
            return
        if len(value) > max_len:
            self.add(path, f"{len(value)} chars > {max_len}")
        elif len(value) < min_len:
            self.add(path, "must not be empty" if min_len == 1 else f"< {min_len} chars")

    def text(
        self,
        path: str,
        obj: Any,
        *,
        max_len: int | None = None,
        plain_only: bool = False,
        required: bool = True,
    ) -> None:
        if obj is None:
            if required:
                self.add(path, "required")
            return
        if not isinstance(obj, dict):
            self.add(path, f"must be a text object, got {type(obj).__name__}")
            return
        kind = obj.get("type")
        if kind not in ("plain_text", "mrkdwn"):
            self.add(f"{path}.type", f"must be plain_text or mrkdwn, got {kind!r}")
        elif plain_only and kind != "plain_text":
            self.add(f"{path}.type", f"must be plain_text, got {kind!r}")
        elif kind == "mrkdwn" and "emoji" in obj:
            self.add(f"{path}.emoji", "only allowed on plain_text")
        value = obj.get("text")
        if not isinstance(value, str) or not value:
            self.add(f"{path}.text", "must be a non-empty string")
            return
        if max_len is not None and len(value) > max_len:
            self.add(path, f"{len(value)} chars > {max_len}")

    def boolean(self, path: str, value: Any) -> None:
        if value is not None and not isinstance(value, bool):
            self.add(path, f"must be a boolean, got {type(value).__name__}")

    def items(self, path: str, value: Any, *, min_n: int, max_n: int, what: str) -> list[Any]:
        """Check a list's length and return it ([] if it is not a list)."""
        if value is None:
            self.add(path, "required")
            return []
        if not isinstance(value, list):
            self.add(path, f"must be a list, got {type(value).__name__}")
            return []
        if len(value) > max_n:
            self.add(path, f"{len(value)} {what} > {max_n}")
        elif len(value) < min_n:
            self.add(path, f"{len(value)} {what} < {min_n}")
        return value

    # -- blocks ---------------------------------------------------------------------------

    def blocks(self, path: str, blocks: Any, *, surface: str) -> None:
        if not isinstance(blocks, list):
            self.add(path, f"must be a list, got {type(blocks).__name__}")
            return
        limit = MAX_BLOCKS[surface]
        if len(blocks) > limit:
            self.add(path, f"{len(blocks)} blocks > {limit}")
        block_ids: dict[str, int] = {}
        for i, block in enumerate(blocks):
            before = len(self.errors)
            self.block(f"{path}[{i}]", block, surface=surface, block_ids=block_ids, index=i)
            # slack_sdk is only a safety net: when our own checks already found a problem its
            # message would repeat it with a vaguer location.
            if len(self.errors) == before and isinstance(block, dict):
                self.sdk_check(f"{path}[{i}]", block)

    def block(
        self, path: str, block: Any, *, surface: str, block_ids: dict[str, int], index: int
    ) -> None:
        if not isinstance(block, dict):
            self.add(path, f"must be an object, got {type(block).__name__}")
            return
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            self.add(f"{path}.type", f"unknown block type {kind!r}")
            return
        block_id = block.get("block_id")
        self.string(f"{path}.block_id", block_id, 255, min_len=1)
        if isinstance(block_id, str):
            if block_id in block_ids:
                self.add(
                    f"{path}.block_id",
                    f"duplicate {block_id!r} (also blocks[{block_ids[block_id]}])",
                )
            else:
                block_ids[block_id] = index
        action_ids: set[str] = set()
        if kind == "section":
            self.section(path, block, action_ids)
        elif kind == "header":
            self.text(f"{path}.text", block.get("text"), max_len=150, plain_only=True)
        elif kind == "context":
            self.context(path, block)
        elif kind == "image":
            self.image(path, block, title=True)
        elif kind == "actions":
            elements = self.items(
                f"{path}.elements", block.get("elements"), min_n=1, max_n=25, what="elements"
            )
            for j, element in enumerate(elements):
                self.element(
                    f"{path}.elements[{j}]",
                    element,
                    allowed=ACTIONS_ELEMENTS,
                    where="an actions block",
                    action_ids=action_ids,
                )
        elif kind == "input":
            self.input(path, block, surface, action_ids)
        elif kind == "rich_text":
            parts = self.items(
                f"{path}.elements", block.get("elements"), min_n=1, max_n=10_000, what="elements"
            )
            for j, part in enumerate(parts):
                part_type = part.get("type") if isinstance(part, dict) else None
                if part_type not in _RICH_TEXT_PARTS:
                    self.add(f"{path}.elements[{j}].type", f"unknown rich text part {part_type!r}")
        elif kind == "markdown":
            self.string(f"{path}.text", block.get("text"), 12_000, required=True, min_len=1)

    def section(self, path: str, block: dict[str, Any], action_ids: set[str]) -> None:
        text = block.get("text")
        fields = block.get("fields")
        if text is None and fields is None:
            self.add(path, "section needs text or fields")
        if text is not None:
            self.text(f"{path}.text", text, max_len=3000)
        if fields is not None:
            for j, field in enumerate(
                self.items(f"{path}.fields", fields, min_n=1, max_n=10, what="fields")
            ):
                self.text(f"{path}.fields[{j}]", field, max_len=2000)
        accessory = block.get("accessory")
        if accessory is not None:
            self.element(
                f"{path}.accessory",
                accessory,
                allowed=SECTION_ACCESSORIES,
                where="a section accessory",
                action_ids=action_ids,
            )

    def context(self, path: str, block: dict[str, Any]) -> None:
        elements = self.items(
            f"{path}.elements", block.get("elements"), min_n=1, max_n=10, what="elements"
        )
        for j, element in enumerate(elements):
            element_path = f"{path}.elements[{j}]"
            kind = element.get("type") if isinstance(element, dict) else None
            if kind == "image":
                self.image(element_path, element, title=False)
            elif kind in ("plain_text", "mrkdwn"):
                self.text(element_path, element)
            else:
                self.add(f"{element_path}.type", f"context allows text or image, got {kind!r}")

    def image(self, path: str, obj: dict[str, Any], *, title: bool) -> None:
        has_url = obj.get("image_url") is not None
        has_file = obj.get("slack_file") is not None
        if has_url == has_file:
            self.add(path, "needs exactly one of image_url or slack_file")
        self.string(f"{path}.image_url", obj.get("image_url"), 3000, min_len=1)
        self.string(f"{path}.alt_text", obj.get("alt_text"), 2000, required=True, min_len=1)
        if title:
            self.text(
                f"{path}.title", obj.get("title"), max_len=2000, plain_only=True, required=False
            )

    def input(self, path: str, block: dict[str, Any], surface: str, action_ids: set[str]) -> None:
        if surface == "message":
            self.add(path, "input blocks are not allowed in messages")
        self.text(f"{path}.label", block.get("label"), max_len=2000, plain_only=True)
        self.text(f"{path}.hint", block.get("hint"), max_len=2000, plain_only=True, required=False)
        self.boolean(f"{path}.optional", block.get("optional"))
        self.boolean(f"{path}.dispatch_action", block.get("dispatch_action"))
        element = block.get("element")
        if element is None:
            self.add(f"{path}.element", "required")
        else:
            self.element(
                f"{path}.element",
                element,
                allowed=INPUT_ELEMENTS,
                where="an input block",
                action_ids=action_ids,
            )

    # -- elements -------------------------------------------------------------------------

    def element(
        self,
        path: str,
        element: Any,
        *,
        allowed: frozenset[str],
        where: str,
        action_ids: set[str],
    ) -> None:
        if not isinstance(element, dict):
            self.add(path, f"must be an object, got {type(element).__name__}")
            return
        kind = element.get("type")
        if kind not in ELEMENT_TYPES:
            self.add(f"{path}.type", f"unknown element type {kind!r}")
            return
        if kind not in allowed:
            self.add(f"{path}.type", f"{kind} is not allowed in {where}")
            return
        if kind == "image":
            self.image(path, element, title=False)
            return
        action_id = element.get("action_id")
        self.string(f"{path}.action_id", action_id, 255, min_len=1)
        if isinstance(action_id, str):
            if action_id in action_ids:
                self.add(f"{path}.action_id", f"duplicate {action_id!r} within the block")
            action_ids.add(action_id)
        self.confirm(f"{path}.confirm", element.get("confirm"))
        if kind in ("button", "workflow_button"):
            self.button(path, element)
        elif kind in ("static_select", "multi_static_select"):
            self.static_select(path, element, multi=kind.startswith("multi_"))
        elif kind == "overflow":
            self.options(
                f"{path}.options",
                element.get("options"),
                min_n=2,
                max_n=5,
                plain_only=True,
                allow_url=True,
            )
        elif kind == "radio_buttons":
            options = self.options(f"{path}.options", element.get("options"), min_n=1, max_n=10)
            self.initial(path, element, options, multi=False)
        elif kind == "checkboxes":
            options = self.options(f"{path}.options", element.get("options"), min_n=1, max_n=10)
            self.initial(path, element, options, multi=True)
        elif kind == "plain_text_input":
            self.plain_text_input(path, element)
        else:
            self.other_input(path, kind, element)
        if kind in _SELECTS | _MULTI_SELECTS | _PICKERS | _TEXT_INPUTS:
            self.text(
                f"{path}.placeholder",
                element.get("placeholder"),
                max_len=150,
                plain_only=True,
                required=False,
            )
        if kind.startswith("multi_") and "max_selected_items" in element:
            maximum = element["max_selected_items"]
            if not isinstance(maximum, int) or isinstance(maximum, bool) or maximum < 1:
                self.add(f"{path}.max_selected_items", f"must be an integer >= 1, got {maximum!r}")

    def button(self, path: str, element: dict[str, Any]) -> None:
        self.text(f"{path}.text", element.get("text"), max_len=75, plain_only=True)
        self.string(f"{path}.value", element.get("value"), 2000)
        self.string(f"{path}.url", element.get("url"), 3000)
        self.string(f"{path}.accessibility_label", element.get("accessibility_label"), 75)
        self.style(f"{path}.style", element.get("style"))
        if element.get("type") == "workflow_button" and not isinstance(
            element.get("workflow"), dict
        ):
            self.add(f"{path}.workflow", "required")

    def style(self, path: str, style: Any) -> None:
        if style is not None and style not in ("primary", "danger"):
            self.add(path, f"must be 'primary' or 'danger', got {style!r}")

    def confirm(self, path: str, confirm: Any) -> None:
        if confirm is None:
            return
        if not isinstance(confirm, dict):
            self.add(path, "must be a confirmation dialog object")
            return
        self.text(f"{path}.title", confirm.get("title"), max_len=100, plain_only=True)
        self.text(f"{path}.text", confirm.get("text"), max_len=300)
        self.text(f"{path}.confirm", confirm.get("confirm"), max_len=30, plain_only=True)
        self.text(f"{path}.deny", confirm.get("deny"), max_len=30, plain_only=True)
        self.style(f"{path}.style", confirm.get("style"))

    def static_select(self, path: str, element: dict[str, Any], *, multi: bool) -> None:
        options = element.get("options")
        groups = element.get("option_groups")
        if options is not None and groups is not None:
            self.add(path, "use options or option_groups, not both")
        if options is None and groups is None:
            self.add(path, "options or option_groups is required")
        collected: list[dict[str, Any]] = []
        if options is not None:
            collected += self.options(
                f"{path}.options", options, min_n=1, max_n=100, plain_only=True
            )
        if groups is not None:
            group_list = self.items(
                f"{path}.option_groups", groups, min_n=1, max_n=100, what="option groups"
            )
            for j, group in enumerate(group_list):
                group_path = f"{path}.option_groups[{j}]"
                if not isinstance(group, dict):
                    self.add(group_path, "must be an object")
                    continue
                self.text(f"{group_path}.label", group.get("label"), max_len=75, plain_only=True)
                collected += self.options(
                    f"{group_path}.options",
                    group.get("options"),
                    min_n=1,
                    max_n=100,
                    plain_only=True,
                )
        self.initial(path, element, collected, multi=multi)

    def options(
        self,
        path: str,
        options: Any,
        *,
        min_n: int,
        max_n: int,
        plain_only: bool = False,
        allow_url: bool = False,
    ) -> list[dict[str, Any]]:
        valid: list[dict[str, Any]] = []
        for j, option in enumerate(
            self.items(path, options, min_n=min_n, max_n=max_n, what="options")
        ):
            option_path = f"{path}[{j}]"
            if not isinstance(option, dict):
                self.add(option_path, "must be an option object")
                continue
            self.text(f"{option_path}.text", option.get("text"), max_len=75, plain_only=plain_only)
            self.string(f"{option_path}.value", option.get("value"), 150, required=True)
            self.text(
                f"{option_path}.description",
                option.get("description"),
                max_len=75,
                plain_only=plain_only,
                required=False,
            )
            if allow_url:
                self.string(f"{option_path}.url", option.get("url"), 3000)
            elif "url" in option:
                self.add(f"{option_path}.url", "only overflow menu options may have a url")
            valid.append(option)
        return valid

    def initial(
        self, path: str, element: dict[str, Any], options: list[dict[str, Any]], *, multi: bool
    ) -> None:
        key = "initial_options" if multi else "initial_option"
        chosen = element.get(key)
        if chosen is None:
            return
        if multi:
            if not isinstance(chosen, list):
                self.add(f"{path}.{key}", "must be a list of options")
                return
            picks = chosen
        else:
            picks = [chosen]
        for j, pick in enumerate(picks):
            pick_path = f"{path}.{key}[{j}]" if multi else f"{path}.{key}"
            if not isinstance(pick, dict) or not any(_same_option(pick, o) for o in options):
                value = pick.get("value") if isinstance(pick, dict) else pick
                self.add(pick_path, f"not one of the options (value {value!r})")

    def plain_text_input(self, path: str, element: dict[str, Any]) -> None:
        maximum = element.get("max_length")
        minimum = element.get("min_length")
        if maximum is not None and (not _is_int(maximum) or not 1 <= maximum <= 3000):
            self.add(f"{path}.max_length", f"must be an integer 1..3000, got {maximum!r}")
            maximum = None
        if minimum is not None and (not _is_int(minimum) or not 0 <= minimum <= 3000):
            self.add(f"{path}.min_length", f"must be an integer 0..3000, got {minimum!r}")
            minimum = None
        if maximum is not None and minimum is not None and minimum > maximum:
            self.add(f"{path}.min_length", f"{minimum} > max_length {maximum}")
        initial = element.get("initial_value")
        self.string(f"{path}.initial_value", initial, maximum if maximum is not None else 3000)
        self.boolean(f"{path}.multiline", element.get("multiline"))

    def other_input(self, path: str, kind: str, element: dict[str, Any]) -> None:
        if kind == "datepicker":
            self.pattern(f"{path}.initial_date", element.get("initial_date"), _DATE, "YYYY-MM-DD")
        elif kind == "timepicker":
            self.pattern(f"{path}.initial_time", element.get("initial_time"), _TIME, "HH:mm")
        elif kind == "datetimepicker":
            value = element.get("initial_date_time")
            if value is not None and not _is_int(value):
                self.add(f"{path}.initial_date_time", "must be a UNIX timestamp integer")
        elif kind == "number_input":
            if not isinstance(element.get("is_decimal_allowed"), bool):
                self.add(f"{path}.is_decimal_allowed", "required boolean")
        elif kind == "file_input":
            max_files = element.get("max_files")
            if max_files is not None and (not _is_int(max_files) or not 1 <= max_files <= 10):
                self.add(f"{path}.max_files", f"must be an integer 1..10, got {max_files!r}")
        elif kind in ("external_select", "multi_external_select"):
            min_query = element.get("min_query_length")
            if min_query is not None and (not _is_int(min_query) or min_query < 0):
                self.add(f"{path}.min_query_length", f"must be an integer >= 0, got {min_query!r}")

    def pattern(self, path: str, value: Any, regex: re.Pattern[str], shape: str) -> None:
        if value is not None and (not isinstance(value, str) or not regex.match(value)):
            self.add(path, f"must look like {shape}, got {value!r}")

    def sdk_check(self, path: str, block: dict[str, Any]) -> None:
        try:
            parsed = Block.parse(copy.deepcopy(block))
            if parsed is not None:
                parsed.validate_json()
        except SlackObjectFormationError as exc:
            self.add(path, str(exc))
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            self.add(path, f"malformed block ({exc})")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _same_option(a: dict[str, Any], b: dict[str, Any]) -> bool:
    # Slack matches initial options on the whole object; value + visible text is what differs
    # in practice when an app builds the initial option separately from the option list.
    return a.get("value") == b.get("value") and _option_text(a) == _option_text(b)


def _option_text(option: dict[str, Any]) -> Any:
    text = option.get("text")
    return text.get("text") if isinstance(text, dict) else text
