"""Slack Block Kit (messages and views) rendered to HTML for the playground page.

All markup is built with markupsafe: untrusted text only ever reaches the page as an escaped
`Markup.format` argument, an escaped attribute value, or through `playground.mrkdwn`.

Contract with the page's JavaScript:

- A message is `<div class="message" data-channel=... data-ts=...>`; a view is
  `<form class="view" data-view-id=... data-callback-id=... data-view-type=...>`.
- Every interactive element's root carries `data-action-id`, `data-block-id` and `data-type`
  (the Block Kit element type); buttons also `data-value` (and `data-url`, `data-confirm` when
  set). Selects list option values as `<option value>`; checkboxes and radio buttons are a
  `<div>` root holding `<input value data-type data-label>`s (data-label: the option's text).
  Use `event.target.closest("[data-action-id]")` for the element, `event.target` for the box.
- Elements of input blocks in views carry `name="{block_id}.{action_id}"`, so `FormData`
  yields state.values (multi-selects and checkboxes give one entry per chosen value).
  Radio groups outside input blocks are named `radio:...` but belong to no form, so
  `FormData` and `form.elements` leave them out (`form.querySelectorAll("[name]")` does not).
- Input blocks are `<div class="block block-input input-block" data-block-id>`.
- View buttons: `<button type=submit data-role="submit">` and
  `<button type=button data-role="close" data-close-view>`.
- A thread link is `<a class="thread-link" data-thread-ts=... data-channel=...>`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from typing import Any

from markupsafe import Markup

from playground import mrkdwn

__all__ = ["RenderContext", "render_blocks", "render_message", "render_view"]

AttrValue = str | int | bool | None
Attrs = Mapping[str, AttrValue]
Option = tuple[str, str]  # (value, label)
OptionGroup = tuple[str | None, list[Option]]

# Non-input radio groups point at this (absent) form so FormData never serialises them.
DETACHED_FORM = "pg-detached"
_COLOR = re.compile(r"^#?[0-9a-fA-F]{6}$")
_NAMED_COLORS = {"good": "#2eb67d", "warning": "#ecb22e", "danger": "#e01e5a"}


@dataclass(frozen=True)
class RenderContext:
    """What the renderer needs besides the blocks: names for ids and where the blocks live."""

    users: Mapping[str, str] = field(default_factory=dict)  # user id -> display name
    channels: Mapping[str, str] = field(default_factory=dict)  # channel id -> name
    channel_id: str | None = None
    message_ts: str | None = None
    view_id: str | None = None
    files: Mapping[str, str] = field(default_factory=dict)  # uploaded file id -> its URL
    # The plan's timezone, so message times agree with the "Declared … EST" in the messages.
    timezone: tzinfo | None = None


def render_blocks(
    blocks: list[dict[str, Any]],
    *,
    ctx: RenderContext,
    errors: Mapping[str, str] | None = None,
) -> Markup:
    """Render a list of blocks; input elements get form field names when ctx.view_id is set."""
    return _Renderer(ctx, errors=errors, in_view=ctx.view_id is not None).blocks(blocks)


def render_message(message: dict[str, Any], *, ctx: RenderContext) -> Markup:
    """Render one message as returned by FakeSlack.messages()/message()/thread()."""
    channel = _s(message.get("channel")) or ctx.channel_id or ""
    ts = _s(message.get("ts"))
    ctx = replace(ctx, channel_id=channel, message_ts=ts, view_id=None)
    r = _Renderer(ctx)
    is_bot = bool(message.get("bot_id") or message.get("bot_profile"))
    user_id = _s(message.get("user"))
    name = (is_bot and _s(message.get("username"))) or ctx.users.get(user_id) or user_id
    name = name or "unknown"
    ephemeral_for = _s(message.get("ephemeral_for"))
    edits = message.get("edits")
    edited = (isinstance(edits, int) and edits > 0) or bool(message.get("edited"))

    header: list[Markup] = [_tag("span", {"class": "message-author"}, name)]
    if is_bot:
        header.append(_tag("span", {"class": "badge badge-app"}, "APP"))
    header.append(_time(ts, ctx.timezone))
    if edited:
        header.append(_tag("span", {"class": "message-edited"}, "(edited)"))
    if ephemeral_for:
        header.append(_tag("span", {"class": "badge badge-ephemeral"}, "Only visible to you"))

    blocks = message.get("blocks")
    if isinstance(blocks, list) and blocks:
        body = r.blocks(blocks)
    else:
        body = _tag("div", {"class": "message-text"}, r.mrkdwn(_s(message.get("text"))))
    attachments = message.get("attachments")
    if isinstance(attachments, list):
        body += Markup("").join(r.attachment(a) for a in attachments)
    files = message.get("files")
    if isinstance(files, list):
        body += Markup("").join(r.file(f) for f in files)

    content = [
        _tag("div", {"class": "message-header"}, *header),
        _tag("div", {"class": "message-body"}, body),
    ]
    reply_count = message.get("reply_count")
    if isinstance(reply_count, int) and reply_count > 0:
        label = "1 reply" if reply_count == 1 else f"{reply_count} replies"
        link_attrs = {
            "href": "#",
            "class": "thread-link",
            "data-thread-ts": _s(message.get("thread_ts")) or ts,
            "data-channel": channel,
        }
        content.append(_tag("a", link_attrs, label))

    classes = ["message"]
    if is_bot:
        classes.append("message-bot")
    if ephemeral_for:
        classes.append("message-ephemeral")
    if message.get("deleted"):
        classes.append("message-deleted")
    attrs: dict[str, AttrValue] = {
        "class": " ".join(classes),
        "data-channel": channel,
        "data-ts": ts,
        "data-ephemeral-for": ephemeral_for or None,
    }
    return _tag(
        "div",
        attrs,
        _tag("div", {"class": "message-avatar", "aria-hidden": "true"}, name[:1].upper()),
        _tag("div", {"class": "message-content"}, *content),
    )


def render_view(
    view: dict[str, Any], *, ctx: RenderContext, errors: Mapping[str, str] | None = None
) -> Markup:
    """Render a modal (or App Home) view as a <form>; `errors` are keyed by input block_id."""
    view_id = _s(view.get("id")) or ctx.view_id or ""
    ctx = replace(ctx, view_id=view_id)
    errors = dict(errors or {})
    r = _Renderer(ctx, errors=errors, in_view=True)
    kind = _s(view.get("type")) or "modal"
    blocks = view.get("blocks")
    blocks = blocks if isinstance(blocks, list) else []

    parts: list[Markup] = []
    if view.get("title") is not None or kind == "modal":
        title = _tag("h2", {"class": "view-title"}, r.plain(view.get("title")))
        parts.append(_tag("div", {"class": "view-header"}, title))
    input_ids = {
        b.get("block_id") for b in blocks if isinstance(b, Mapping) and b.get("type") == "input"
    }
    stray = [(k, v) for k, v in errors.items() if k not in input_ids]
    if stray:
        # Errors for block_ids that are not input blocks of this view must not vanish.
        items = (
            _tag("div", {"class": "field-error", "data-block-id": k}, f"{k}: {v}") for k, v in stray
        )
        parts.append(_tag("div", {"class": "form-errors", "role": "alert"}, *items))
    parts.append(_tag("div", {"class": "view-body"}, r.blocks(blocks)))
    if kind == "modal":
        close = r.plain(view.get("close")) or Markup("Cancel")
        close_attrs = {
            "type": "button",
            "class": "btn view-close",
            "data-role": "close",
            "data-close-view": "true",
        }
        buttons = [_tag("button", close_attrs, close)]
        if view.get("submit") is not None:
            submit_attrs = {"type": "submit", "class": "btn btn-primary", "data-role": "submit"}
            buttons.append(_tag("button", submit_attrs, r.plain(view.get("submit"))))
        parts.append(_tag("div", {"class": "view-footer"}, *buttons))

    attrs: dict[str, AttrValue] = {
        "class": f"view view-{kind}",
        "method": "post",
        "autocomplete": "off",
        "data-view-id": view_id,
        "data-callback-id": _s(view.get("callback_id")),
        "data-view-type": kind,
        "data-external-id": _s(view.get("external_id")) or None,
    }
    return _tag("form", attrs, *parts)


# -- markup helpers ------------------------------------------------------------------------


def _s(value: Any) -> str:
    """A string field of a payload, or "" when missing or not a string."""
    return value if isinstance(value, str) else ""


def _attrs(attrs: Attrs) -> Markup:
    out = Markup("")
    for name, value in attrs.items():
        if value is None or value is False:
            continue
        if value is True:
            out += Markup(" {}").format(Markup(name))
        else:
            out += Markup(' {}="{}"').format(Markup(name), str(value))
    return out


def _tag(name: str, attrs: Attrs | None = None, *children: Markup | str) -> Markup:
    """`<name attrs>children</name>`; str children and all attribute values are escaped."""
    return Markup("<{}{}>{}</{}>").format(
        Markup(name), _attrs(attrs or {}), Markup("").join(children), Markup(name)
    )


def _void(name: str, attrs: Attrs) -> Markup:
    return Markup("<{}{}>").format(Markup(name), _attrs(attrs))


def _unsupported(what: str, kind: Any) -> Markup:
    label = kind if isinstance(kind, str) and kind else repr(kind)
    return _tag("div", {"class": "unsupported"}, f"Unsupported {what}: {label}")


def _image_src(url: Any) -> str | None:
    url = _s(url)
    return url if url.strip().lower().startswith(("http://", "https://")) else None


def _time(ts: str, timezone: tzinfo | None) -> Markup:
    try:
        when = datetime.fromtimestamp(float(ts)).astimezone(timezone)
    except (ValueError, OverflowError, OSError):
        return Markup("")
    attrs = {"class": "message-time", "datetime": when.isoformat(timespec="seconds")}
    return _tag("time", attrs, when.strftime("%H:%M"))


def _options(raw: Any) -> list[Option]:
    options: list[Option] = []
    for option in raw if isinstance(raw, list) else []:
        if isinstance(option, Mapping):
            text = option.get("text")
            label = _s(text.get("text")) if isinstance(text, Mapping) else _s(text)
            options.append((_s(option.get("value")), mrkdwn.emojize(label)))
    return options


def _option_values(raw: Any) -> set[str]:
    if isinstance(raw, Mapping):
        raw = [raw]
    return {_s(o.get("value")) for o in raw if isinstance(o, Mapping)} if raw else set()


# -- the renderer ------------------------------------------------------------------------


class _Renderer:
    def __init__(
        self,
        ctx: RenderContext,
        *,
        errors: Mapping[str, str] | None = None,
        in_view: bool = False,
    ) -> None:
        self.ctx = ctx
        self.errors = errors or {}
        self.in_view = in_view
        self.block_renderers: dict[str, Callable[[Mapping[str, Any]], Markup]] = {
            "header": self.header,
            "section": self.section,
            "context": self.context,
            "divider": self.divider,
            "image": self.image_block,
            "actions": self.actions,
            "input": self.input,
            "rich_text": self.rich_text,
            "markdown": self.markdown,
        }

    # text objects

    def mrkdwn(self, text: str) -> Markup:
        return mrkdwn.to_html(text, users=self.ctx.users, channels=self.ctx.channels)

    def text(self, obj: Any) -> Markup:
        """A text object (plain_text escaped, mrkdwn formatted); a bare str is plain text."""
        if isinstance(obj, str):
            return mrkdwn.plain_to_html(obj)
        if not isinstance(obj, Mapping):
            return Markup("")
        if obj.get("type") == "mrkdwn":
            return self.mrkdwn(_s(obj.get("text")))
        return mrkdwn.plain_to_html(_s(obj.get("text")))

    def plain(self, obj: Any) -> Markup:
        if isinstance(obj, Mapping):
            return mrkdwn.plain_to_html(_s(obj.get("text")))
        return mrkdwn.plain_to_html(_s(obj))

    # blocks

    def blocks(self, blocks: Iterable[Any]) -> Markup:
        return Markup("").join(self.block(b) for b in blocks)

    def block(self, block: Any) -> Markup:
        if not isinstance(block, Mapping):
            return _unsupported("block", type(block).__name__)
        render = self.block_renderers.get(_s(block.get("type")))
        if render is None:
            return _unsupported("block", block.get("type"))
        return render(block)

    def wrap(self, block: Mapping[str, Any], *children: Markup, extra: str = "") -> Markup:
        attrs = {
            "class": f"block block-{block.get('type')}{extra}",
            "data-block-id": _s(block.get("block_id")) or None,
        }
        return _tag("div", attrs, *children)

    def header(self, block: Mapping[str, Any]) -> Markup:
        return self.wrap(block, _tag("h3", {"class": "header-text"}, self.plain(block.get("text"))))

    def section(self, block: Mapping[str, Any]) -> Markup:
        main: list[Markup] = []
        if block.get("text") is not None:
            main.append(_tag("div", {"class": "section-text"}, self.text(block.get("text"))))
        fields = block.get("fields")
        if isinstance(fields, list) and fields:
            cells = (_tag("div", {"class": "section-field"}, self.text(f)) for f in fields)
            main.append(_tag("div", {"class": "section-fields"}, *cells))
        parts = [_tag("div", {"class": "section-main"}, *main)]
        accessory = block.get("accessory")
        if accessory is not None:
            element = self.element(accessory, _s(block.get("block_id")))
            parts.append(_tag("div", {"class": "section-accessory"}, element))
        return self.wrap(block, *parts)

    def context(self, block: Mapping[str, Any]) -> Markup:
        parts: list[Markup] = []
        elements = block.get("elements")
        for element in elements if isinstance(elements, list) else []:
            kind = element.get("type") if isinstance(element, Mapping) else None
            if kind == "image":
                parts.append(self.image(element, "context-image"))
            elif kind in ("mrkdwn", "plain_text"):
                parts.append(_tag("span", {"class": "context-text"}, self.text(element)))
            else:
                parts.append(_unsupported("element", kind))
        return self.wrap(block, *parts)

    def divider(self, block: Mapping[str, Any]) -> Markup:
        return self.wrap(block, _void("hr", {"class": "divider"}))

    def image_block(self, block: Mapping[str, Any]) -> Markup:
        parts: list[Markup] = []
        if block.get("title") is not None:
            parts.append(_tag("div", {"class": "image-title"}, self.plain(block.get("title"))))
        parts.append(self.image(block, "block-image-img"))
        return self.wrap(block, *parts)

    def image(self, obj: Mapping[str, Any], cls: str) -> Markup:
        slack_file = obj.get("slack_file")
        slack_file = slack_file if isinstance(slack_file, Mapping) else {}
        src = (
            _image_src(obj.get("image_url"))
            or _image_src(slack_file.get("url"))
            or _image_src(self.ctx.files.get(_s(slack_file.get("id"))))
        )
        alt = _s(obj.get("alt_text"))
        if src is None:
            return _tag("span", {"class": f"{cls} image-missing", "title": alt}, f"[image: {alt}]")
        attrs = {
            "class": cls,
            "src": src,
            "alt": alt,
            "title": alt or None,
            "loading": "lazy",
            "referrerpolicy": "no-referrer",
        }
        return _void("img", attrs)

    def actions(self, block: Mapping[str, Any]) -> Markup:
        elements = block.get("elements")
        items = elements if isinstance(elements, list) else []
        block_id = _s(block.get("block_id"))
        return self.wrap(block, *(self.element(e, block_id) for e in items))

    def input(self, block: Mapping[str, Any]) -> Markup:
        block_id = _s(block.get("block_id"))
        element = block.get("element")
        action_id = _s(element.get("action_id")) if isinstance(element, Mapping) else ""
        name = f"{block_id}.{action_id}" if self.in_view else None
        field_id = f"field-{self.ctx.view_id or self.ctx.message_ts or ''}-{block_id}-{action_id}"
        optional = bool(block.get("optional"))
        label: list[Markup] = [self.plain(block.get("label"))]
        if optional:
            label.append(_tag("span", {"class": "input-optional"}, " (optional)"))
        kind = element.get("type") if isinstance(element, Mapping) else None
        labelable = kind not in ("checkboxes", "radio_buttons")  # those are groups of inputs
        label_attrs = {"class": "input-label", "for": field_id if labelable else None}
        parts = [_tag("label", label_attrs, *label)]
        parts.append(
            self.element(
                element,
                block_id,
                name=name,
                field_id=field_id,
                required=not optional,
                dispatch=bool(block.get("dispatch_action")),
            )
        )
        if block.get("hint") is not None:
            parts.append(_tag("div", {"class": "input-hint"}, self.plain(block.get("hint"))))
        error = self.errors.get(block_id)
        if error is not None:
            parts.append(_tag("div", {"class": "field-error", "role": "alert"}, str(error)))
        return self.wrap(
            block, *parts, extra=" input-block has-error" if error is not None else " input-block"
        )

    def markdown(self, block: Mapping[str, Any]) -> Markup:
        text = mrkdwn.plain_to_html(_s(block.get("text")))
        return self.wrap(block, _tag("div", {"class": "markdown-text"}, text))

    # rich_text

    def rich_text(self, block: Mapping[str, Any]) -> Markup:
        elements = block.get("elements")
        items = elements if isinstance(elements, list) else []
        return self.wrap(block, *(self.rich_part(e) for e in items))

    def rich_part(self, part: Any) -> Markup:
        kind = part.get("type") if isinstance(part, Mapping) else None
        if not isinstance(part, Mapping):
            return _unsupported("element", kind)
        inline = self.rich_inline(part.get("elements"))
        if kind == "rich_text_section":
            return _tag("div", {"class": "rt-section"}, inline)
        if kind == "rich_text_preformatted":
            return _tag("pre", {"class": "mrkdwn-pre"}, inline)
        if kind == "rich_text_quote":
            return _tag("blockquote", {}, inline)
        if kind == "rich_text_list":
            sections = part.get("elements")
            items = (
                _tag("li", {}, self.rich_inline(s.get("elements")))
                for s in (sections if isinstance(sections, list) else [])
                if isinstance(s, Mapping)
            )
            tag = "ol" if part.get("style") == "ordered" else "ul"
            indent = part.get("indent")
            level = indent if isinstance(indent, int) and 0 <= indent <= 8 else 0
            return _tag(tag, {"class": f"rt-list rt-indent-{level}"}, *items)
        return _unsupported("element", kind)

    def rich_inline(self, elements: Any) -> Markup:
        out = Markup("")
        for el in elements if isinstance(elements, list) else []:
            if isinstance(el, Mapping):
                out += self.rich_leaf(el)
        return out

    def rich_leaf(self, el: Mapping[str, Any]) -> Markup:
        kind = el.get("type")
        if kind == "text":
            html = mrkdwn.plain_to_html(_s(el.get("text")))
            raw_style = el.get("style")
            style: Mapping[str, Any] = raw_style if isinstance(raw_style, Mapping) else {}
            if style.get("code"):
                html = _tag("code", {"class": "mrkdwn-code"}, html)
            for key, tag in (("italic", "i"), ("bold", "b"), ("strike", "s")):
                if style.get(key):
                    html = _tag(tag, {}, html)
            return html
        if kind == "link":
            url = mrkdwn.safe_url(_s(el.get("url")))
            label = _s(el.get("text")) or _s(el.get("url"))
            if url is None:
                return _tag("span", {}, label)
            attrs = {"href": url, "target": "_blank", "rel": "noopener noreferrer"}
            return _tag("a", attrs, label)
        if kind == "user":
            user_id = _s(el.get("user_id"))
            name = self.ctx.users.get(user_id) or user_id
            return _tag("span", {"class": "mention mention-user", "data-id": user_id}, "@" + name)
        if kind == "channel":
            channel_id = _s(el.get("channel_id"))
            name = self.ctx.channels.get(channel_id) or channel_id
            attrs = {"class": "mention mention-channel", "data-id": channel_id}
            return _tag("span", attrs, "#" + name)
        if kind == "usergroup":
            return _tag("span", {"class": "mention"}, "@" + _s(el.get("usergroup_id")))
        if kind == "broadcast":
            return _tag("span", {"class": "mention mention-broadcast"}, "@" + _s(el.get("range")))
        if kind == "emoji":
            return _tag("span", {"class": "emoji"}, _emoji(el))
        if kind == "date":
            return _tag("span", {"class": "mrkdwn-date"}, _s(el.get("fallback")))
        if kind == "color":
            return _tag("span", {}, _s(el.get("value")))
        return _unsupported("element", kind)

    # files shared into the conversation (files.completeUploadExternal)

    def file(self, shared: Any) -> Markup:
        if not isinstance(shared, Mapping):
            return Markup("")
        url = _image_src(shared.get("url_private"))
        title = _s(shared.get("title")) or _s(shared.get("name")) or "file"
        if url is None:
            return _tag("div", {"class": "message-file"}, title)
        if not _s(shared.get("mimetype")).startswith("image/"):
            return _tag("div", {"class": "message-file"}, _tag("a", {"href": url}, title))
        alt = _s(shared.get("alt_txt")) or title
        image = _void(
            "img",
            {"class": "file-image", "src": url, "alt": alt, "title": alt, "loading": "lazy"},
        )
        caption = _tag("figcaption", {"class": "file-title"}, title)
        return _tag("figure", {"class": "message-file"}, image, caption)

    # attachments (legacy, but shown so nothing vanishes)

    def attachment(self, attachment: Any) -> Markup:
        if not isinstance(attachment, Mapping):
            return Markup("")
        color = _s(attachment.get("color"))
        color = _NAMED_COLORS.get(color, color)
        style = None
        if _COLOR.match(color):
            style = f"border-left-color: #{color.lstrip('#')}"
        parts: list[Markup] = []
        if attachment.get("title") is not None:
            parts.append(_tag("div", {"class": "attachment-title"}, _s(attachment.get("title"))))
        blocks = attachment.get("blocks")
        if isinstance(blocks, list) and blocks:
            parts.append(self.blocks(blocks))
        else:
            text = _s(attachment.get("text")) or _s(attachment.get("fallback"))
            parts.append(_tag("div", {"class": "attachment-text"}, self.mrkdwn(text)))
        return _tag("div", {"class": "attachment", "style": style}, *parts)

    # elements

    def element(
        self,
        element: Any,
        block_id: str,
        *,
        name: str | None = None,
        field_id: str | None = None,
        required: bool = False,
        dispatch: bool = False,
    ) -> Markup:
        if not isinstance(element, Mapping):
            return _unsupported("element", type(element).__name__)
        kind = _s(element.get("type"))
        action_id = _s(element.get("action_id"))
        data: dict[str, AttrValue] = {
            "data-action-id": action_id,
            "data-block-id": block_id,
            "data-type": kind,
            "data-dispatch-action": "true" if dispatch else None,
        }
        if kind == "button":
            return self.button(element, data)
        if kind == "image":
            return self.image(element, "element-image")
        if kind == "overflow":
            return self.overflow(element, data)
        if kind in ("checkboxes", "radio_buttons"):
            return self.choices(element, data, name=name, required=required)
        field: dict[str, AttrValue] = {
            **data,
            "name": name,
            "id": field_id,
            "required": required and name is not None,
        }
        if kind in _TEXT_INPUTS:
            return self.text_input(element, field)
        if kind in ("datepicker", "timepicker"):
            initial = element.get("initial_date" if kind == "datepicker" else "initial_time")
            attrs = {
                "type": "date" if kind == "datepicker" else "time",
                "class": "text-input date-input",
                "value": _s(initial) or None,
                "placeholder": _s(_text_of(element.get("placeholder"))) or None,
                **field,
            }
            return _void("input", attrs)
        select = self.select_options(kind, element)
        if select is not None:
            groups, selected = select
            return self.select(element, field, groups, selected, multiple=kind.startswith("multi_"))
        return _unsupported("element", element.get("type"))

    def button(self, element: Mapping[str, Any], data: Attrs) -> Markup:
        style = _s(element.get("style"))
        cls = "btn" + (f" btn-{style}" if style in ("primary", "danger") else "")
        confirm = element.get("confirm")
        attrs = {
            "type": "button",
            "class": cls,
            **data,
            "data-value": _s(element.get("value")) if "value" in element else None,
            "data-url": mrkdwn.safe_url(_s(element.get("url"))),
            "data-confirm": (
                _text_of(confirm.get("text")) or "Are you sure?"
                if isinstance(confirm, Mapping)
                else None
            ),
        }
        return _tag("button", attrs, self.plain(element.get("text")))

    def overflow(self, element: Mapping[str, Any], data: Attrs) -> Markup:
        options = [
            _tag("option", {"value": "", "selected": True, "disabled": True}, "\u22ef"),
        ]
        raw = element.get("options")
        for option in raw if isinstance(raw, list) else []:
            if not isinstance(option, Mapping):
                continue
            option_attrs: Attrs = {
                "value": _s(option.get("value")),
                "data-url": mrkdwn.safe_url(_s(option.get("url"))),
            }
            label = mrkdwn.emojize(_s(_text_of(option.get("text"))))
            options.append(_tag("option", option_attrs, label))
        attrs: dict[str, AttrValue] = {"class": "select overflow", "title": "More actions", **data}
        return _tag("select", attrs, *options)

    def choices(
        self, element: Mapping[str, Any], data: Attrs, *, name: str | None, required: bool
    ) -> Markup:
        is_radio = data["data-type"] == "radio_buttons"
        initial = element.get("initial_option" if is_radio else "initial_options")
        selected = _option_values(initial)
        form: str | None = None
        if name is None and is_radio:
            scope = self.ctx.view_id or f"{self.ctx.channel_id or ''}:{self.ctx.message_ts or ''}"
            name = f"radio:{scope}:{data['data-block-id']}.{data['data-action-id']}"
            form = DETACHED_FORM
        items: list[Markup] = []
        raw = element.get("options")
        for option in raw if isinstance(raw, list) else []:
            if not isinstance(option, Mapping):
                continue
            value = _s(option.get("value"))
            box = _void(
                "input",
                {
                    "type": "radio" if is_radio else "checkbox",
                    "name": name,
                    "value": value,
                    "checked": value in selected,
                    "form": form,
                    "required": required and is_radio and form is None,
                    "data-type": data["data-type"],
                    "data-label": _text_of(option.get("text")),
                },
            )
            text = [_tag("span", {"class": "choice-text"}, self.text(option.get("text")))]
            if option.get("description") is not None:
                description = self.text(option.get("description"))
                text.append(_tag("span", {"class": "choice-description"}, description))
            items.append(_tag("label", {"class": "choice"}, box, *text))
        kind = "radio-buttons" if is_radio else "checkboxes"
        return _tag("div", {"class": f"choices {kind}", "role": "group", **data}, *items)

    def text_input(self, element: Mapping[str, Any], field: Attrs) -> Markup:
        kind = element.get("type")
        initial = element.get("initial_value")
        value = str(initial) if isinstance(initial, str | int | float) else ""
        attrs: dict[str, AttrValue] = {
            "class": "text-input",
            "placeholder": _s(_text_of(element.get("placeholder"))) or None,
            **field,
        }
        if kind == "plain_text_input":
            for key, attr in (("max_length", "maxlength"), ("min_length", "minlength")):
                limit = element.get(key)
                attrs[attr] = limit if isinstance(limit, int) else None
            if element.get("multiline"):
                # The HTML parser drops one newline right after <textarea>; keep the user's.
                body = "\n" + value if value.startswith("\n") else value
                return _tag("textarea", {**attrs, "rows": 4}, body)
        if kind == "number_input":
            attrs["step"] = "any" if element.get("is_decimal_allowed") else "1"
            attrs["min"] = _s(element.get("min_value")) or None
            attrs["max"] = _s(element.get("max_value")) or None
        input_type = {"email_text_input": "email", "url_text_input": "url"}.get(
            _s(kind), "number" if kind == "number_input" else "text"
        )
        return _void("input", {"type": input_type, "value": value or None, **attrs})

    def select_options(
        self, kind: str, element: Mapping[str, Any]
    ) -> tuple[list[OptionGroup], set[str]] | None:
        """Option groups and initially selected values of a select-like element, or None."""
        base = kind.removeprefix("multi_")
        multi = kind != base
        if base == "static_select":
            groups: list[OptionGroup] = []
            if isinstance(element.get("options"), list):
                groups.append((None, _options(element.get("options"))))
            raw_groups = element.get("option_groups")
            for group in raw_groups if isinstance(raw_groups, list) else []:
                if isinstance(group, Mapping):
                    label = _s(_text_of(group.get("label")))
                    groups.append((label, _options(group.get("options"))))
            initial = element.get("initial_options" if multi else "initial_option")
            return groups, _option_values(initial)
        if base == "users_select":
            users = sorted(self.ctx.users.items(), key=lambda item: item[1].lower())
            initial = element.get("initial_users" if multi else "initial_user")
            return [(None, [(uid, name) for uid, name in users])], _ids(initial)
        if base in ("conversations_select", "channels_select"):
            channels = sorted(self.ctx.channels.items(), key=lambda item: item[1].lower())
            key = "initial_conversation" if base == "conversations_select" else "initial_channel"
            initial = element.get(key + "s" if multi else key)
            return [(None, [(cid, "#" + name) for cid, name in channels])], _ids(initial)
        return None

    def select(
        self,
        element: Mapping[str, Any],
        field: Attrs,
        groups: Sequence[OptionGroup],
        selected: set[str],
        *,
        multiple: bool,
    ) -> Markup:
        placeholder = _s(_text_of(element.get("placeholder"))) or "Select an option"
        options: list[Markup] = []
        if not multiple:
            empty: Attrs = {"value": "", "disabled": True, "selected": not selected}
            options.append(_tag("option", empty, mrkdwn.emojize(placeholder)))

        def render(opts: list[Option]) -> Iterable[Markup]:
            for value, label in opts:
                yield _tag("option", {"value": value, "selected": value in selected}, label)

        for label, opts in groups:
            if label is None:
                options.extend(render(opts))
            else:
                options.append(_tag("optgroup", {"label": label}, *render(opts)))
        count = sum(len(opts) for _, opts in groups)
        attrs = {
            "class": "select",
            "multiple": multiple,
            "size": min(max(count, 2), 6) if multiple else None,
            "title": placeholder if multiple else None,
            **field,
        }
        return _tag("select", attrs, *options)


_TEXT_INPUTS = frozenset({"plain_text_input", "email_text_input", "url_text_input", "number_input"})


def _text_of(obj: Any) -> str:
    """The raw text of a text object (or a bare string)."""
    if isinstance(obj, Mapping):
        return _s(obj.get("text"))
    return _s(obj)


def _ids(raw: Any) -> set[str]:
    if isinstance(raw, str):
        return {raw}
    return {x for x in raw if isinstance(x, str)} if isinstance(raw, list) else set()


def _emoji(el: Mapping[str, Any]) -> str:
    code = _s(el.get("unicode"))
    try:
        if code:
            return "".join(chr(int(part, 16)) for part in code.split("-"))
    except (ValueError, OverflowError):
        pass
    name = _s(el.get("name"))
    return mrkdwn.EMOJI.get(name, f":{name}:")
