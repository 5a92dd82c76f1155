"""Slack mrkdwn to safe HTML, for the playground's fake Slack client.

Slack's mrkdwn arrives already entity-escaped: a literal `<`, `>` or `&` typed by someone is
sent as `&lt;`, `&gt;` or `&amp;`, while real markup (mentions, links, `<!here>`) is written
with bare angle brackets. So the raw text is first split into angle-bracket tokens (markup) and
text segments; text segments are un-escaped once and then HTML-escaped with markupsafe, so
nothing a user typed can ever become a tag, and `&lt;!channel&gt;` shows the characters
`<!channel>` instead of a mention. Formatting (`*bold*`, `_italic_`, `~strike~`, code, quotes)
is applied to the escaped text afterwards; it only ever wraps text in attribute-free tags.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from markupsafe import Markup, escape

__all__ = ["EMOJI", "emojize", "plain_to_html", "safe_url", "to_html"]

# The few shortcodes the bot uses (and some common ones); unknown shortcodes stay as text.
EMOJI: Mapping[str, str] = {
    "warning": "\u26a0\ufe0f",
    "white_check_mark": "\u2705",
    "heavy_check_mark": "\u2714\ufe0f",
    "x": "\u274c",
    "no_entry": "\u26d4",
    "grey_question": "\u2754",
    "question": "\u2753",
    "books": "\U0001f4da",
    "tada": "\U0001f389",
    "rotating_light": "\U0001f6a8",
    "eyes": "\U0001f440",
    "fire": "\U0001f525",
    "red_circle": "\U0001f534",
    "large_green_circle": "\U0001f7e2",
    "large_yellow_circle": "\U0001f7e1",
    "hourglass_flowing_sand": "\u23f3",
    "memo": "\U0001f4dd",
    "pushpin": "\U0001f4cc",
    "bell": "\U0001f514",
    "link": "\U0001f517",
    "+1": "\U0001f44d",
    "thumbsup": "\U0001f44d",
}

_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_BROADCASTS = frozenset({"here", "channel", "everyone"})

# Placeholders for already-rendered fragments: NUL, index, SOH (both stripped from input).
_PH_OPEN, _PH_CLOSE = "\x00", "\x01"
_PLACEHOLDER = re.compile("\x00(\\d+)\x01")

_TOKEN = re.compile(r"<([^<>\n]+)>")
_PRE = re.compile(r"```\n?(.*?)\n?```\n?", re.DOTALL)
_CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_EMOJI_CODE = re.compile(r":([a-z0-9_+'-]+):")
_BOLD = re.compile(r"(?<![\w*])\*(?![\s*])(.+?)(?<![\s*])\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?![\s_])(.+?)(?<![\s_])_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?![\s~])(.+?)(?<![\s~])~(?![\w~])")
_QUOTE = re.compile(r"^&gt; ?")
_QUOTE_REST = re.compile(r"^&gt;&gt;&gt; ?")

_UNESCAPE = {"amp": "&", "lt": "<", "gt": ">"}


def to_html(text: str, *, users: Mapping[str, str], channels: Mapping[str, str]) -> Markup:
    """Render Slack mrkdwn `text` as HTML that is safe to insert into a page."""
    return _Renderer(users, channels).render(text)


def plain_to_html(text: str) -> Markup:
    """Render a plain_text string: escaped, known emoji shortcodes replaced, newlines kept."""
    html = emojize(str(escape(text)))
    return Markup(html.replace("\n", "<br>"))


def emojize(text: str) -> str:
    """Replace the known `:shortcode:`s in `text` with their emoji; others stay as they are."""
    return _EMOJI_CODE.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def safe_url(url: str) -> str | None:
    """`url` if it uses a scheme a link may have (http, https, mailto), else None."""
    return url if url.strip().lower().startswith(_SAFE_SCHEMES) else None


def _unescape(text: str) -> str:
    """Undo Slack's entity escaping once (`&amp;lt;` becomes the text `&lt;`)."""
    return _ENTITY.sub(lambda m: _UNESCAPE[m.group(1)], text)


def _text(raw: str) -> str:
    """A raw mrkdwn text segment as escaped HTML (placeholders survive untouched)."""
    return str(escape(_unescape(raw)))


class _Renderer:
    def __init__(self, users: Mapping[str, str], channels: Mapping[str, str]) -> None:
        self.users = users
        self.channels = channels
        self.stash: list[str] = []

    def keep(self, html: Markup) -> str:
        self.stash.append(str(html))
        return f"{_PH_OPEN}{len(self.stash) - 1}{_PH_CLOSE}"

    def stashing(self, render: Callable[[str], Markup]) -> Callable[[re.Match[str]], str]:
        return lambda m: self.keep(render(m.group(1)))

    def render(self, text: str) -> Markup:
        raw = text.replace(_PH_OPEN, "").replace(_PH_CLOSE, "")
        raw = _TOKEN.sub(lambda m: self.keep(self.token(m.group(1), m.group(0))), raw)
        raw = _PRE.sub(self.stashing(self.pre), raw)
        raw = _CODE.sub(self.stashing(self.code), raw)
        html = _text(raw)
        html = _STRIKE.sub(r"<s>\1</s>", _ITALIC.sub(r"<i>\1</i>", _BOLD.sub(r"<b>\1</b>", html)))
        html = self.lines(emojize(html))
        return Markup(self.restore(html))

    def restore(self, html: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self.restore(self.stash[int(m.group(1))]), html)

    @staticmethod
    def pre(content: str) -> Markup:
        return Markup('<pre class="mrkdwn-pre">{}</pre>').format(Markup(_text(content)))

    @staticmethod
    def code(content: str) -> Markup:
        return Markup('<code class="mrkdwn-code">{}</code>').format(Markup(_text(content)))

    @staticmethod
    def lines(html: str) -> str:
        """Newlines to <br>; runs of `>` lines (or everything after `>>>`) to <blockquote>."""
        out: list[str] = []
        plain: list[str] = []
        quoted: list[str] = []

        def flush() -> None:
            if plain:
                out.append("<br>".join(plain))
                plain.clear()
            if quoted:
                out.append("<blockquote>" + "<br>".join(quoted) + "</blockquote>")
                quoted.clear()

        lines = html.split("\n")
        for i, line in enumerate(lines):
            if _QUOTE_REST.match(line):
                if plain:
                    flush()
                quoted.append(_QUOTE_REST.sub("", line, count=1))
                quoted.extend(lines[i + 1 :])
                break
            if _QUOTE.match(line):
                if plain:
                    flush()
                quoted.append(_QUOTE.sub("", line, count=1))
            else:
                if quoted:
                    flush()
                plain.append(line)
        flush()
        return "".join(out)

    def token(self, inner: str, whole: str) -> Markup:
        """One `<...>` markup token; anything unrecognised is shown as the literal text."""
        target, _, label = inner.partition("|")
        if target.startswith("@") and len(target) > 1:
            user_id = target[1:]
            name = self.users.get(user_id) or _unescape(label).lstrip("@") or user_id
            return _mention("user", "@" + name, data_id=user_id)
        if target.startswith("#") and len(target) > 1:
            channel_id = target[1:]
            name = self.channels.get(channel_id) or _unescape(label).lstrip("#") or channel_id
            return _mention("channel", "#" + name, data_id=channel_id)
        if target.startswith("!"):
            return self.special(target[1:], _unescape(label), whole)
        url = safe_url(_unescape(target))
        if url is None:
            return escape(_unescape(whole))
        text = _unescape(label) or url.removeprefix("mailto:")
        return Markup('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>').format(
            url, text
        )

    def special(self, command: str, label: str, whole: str) -> Markup:
        name, _, _rest = command.partition("^")
        if name in _BROADCASTS:
            return _mention("broadcast", "@" + name)
        if name == "subteam":
            return _mention("usergroup", label or "@group")
        if name == "date":
            return Markup('<span class="mrkdwn-date">{}</span>').format(label or _rest)
        return escape(_unescape(whole))


def _mention(kind: str, text: str, *, data_id: str | None = None) -> Markup:
    if data_id is None:
        return Markup('<span class="mention mention-{}">{}</span>').format(kind, text)
    return Markup('<span class="mention mention-{}" data-id="{}">{}</span>').format(
        kind, data_id, text
    )
