"""Slack mrkdwn to HTML (playground/mrkdwn.py): markup tokens, formatting, and escaping."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from playground.mrkdwn import plain_to_html, safe_url, to_html

USERS = {"U1": "Ann", "U2": "Bob <b>"}
CHANNELS = {"C1": "general", "C2": "incidents"}


def render(text: str) -> str:
    html = to_html(text, users=USERS, channels=CHANNELS)
    assert isinstance(html, Markup)
    return str(html)


def test_plain_text_is_unchanged() -> None:
    assert render("hello world") == "hello world"


def test_user_mention_uses_the_display_name() -> None:
    html = render("hi <@U1>")
    assert html == 'hi <span class="mention mention-user" data-id="U1">@Ann</span>'


def test_user_mention_escapes_the_display_name() -> None:
    html = render("<@U2>")
    assert "@Bob &lt;b&gt;" in html
    assert "<b>" not in html


def test_unknown_user_falls_back_to_label_then_id() -> None:
    assert ">@carol</span>" in render("<@U9|carol>")
    assert ">@U9</span>" in render("<@U9>")


def test_channel_mention_without_label() -> None:
    html = render("see <#C1>")
    assert html == 'see <span class="mention mention-channel" data-id="C1">#general</span>'


def test_channel_mention_with_label() -> None:
    assert ">#incidents</span>" in render("<#C2|incidents>")
    assert ">#ops</span>" in render("<#C9|ops>")  # unknown id: the label
    assert ">#C9</span>" in render("<#C9>")  # neither: the id


@pytest.mark.parametrize("name", ["here", "channel", "everyone"])
def test_broadcasts(name: str) -> None:
    assert render(f"<!{name}> look") == (
        f'<span class="mention mention-broadcast">@{name}</span> look'
    )


def test_escaped_broadcast_is_literal_text() -> None:
    html = render("type &lt;!channel&gt; to ping")
    assert html == "type &lt;!channel&gt; to ping"  # shows the characters <!channel>
    assert "mention" not in html
    assert "&amp;lt;" not in html


def test_date_token_shows_its_fallback() -> None:
    assert "Feb 18, 2014" in render("<!date^1392734382^{date_pretty}|Feb 18, 2014>")


def test_link_with_label() -> None:
    html = render("<https://example.com/a?b=1&amp;c=2|the docs>")
    assert html == (
        '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" '
        'rel="noopener noreferrer">the docs</a>'
    )


def test_link_without_label_shows_the_url() -> None:
    html = render("<https://example.com>")
    assert '<a href="https://example.com"' in html
    assert ">https://example.com</a>" in html


def test_mailto_link() -> None:
    html = render("<mailto:ops@example.com|mail us>")
    assert '<a href="mailto:ops@example.com"' in html


@pytest.mark.parametrize(
    "token", ["<javascript:alert(1)|click>", "<JavaScript:alert(1)>", "<data:text/html,x|x>"]
)
def test_unsafe_link_is_rendered_as_text(token: str) -> None:
    html = render(token)
    assert "<a" not in html
    assert "href" not in html
    assert html.startswith("&lt;") and html.endswith("&gt;")


def test_link_label_is_escaped() -> None:
    html = render('<https://x.example|a "quote" &lt;b&gt;>')
    assert ">a &#34;quote&#34; &lt;b&gt;</a>" in html


def test_bold_italic_strike() -> None:
    assert render("*bold* _italic_ ~strike~") == "<b>bold</b> <i>italic</i> <s>strike</s>"


def test_formatting_needs_word_boundaries() -> None:
    assert render("snake_case_name and 2*3*4") == "snake_case_name and 2*3*4"


def test_nested_formatting_and_mentions() -> None:
    html = render("*_both_* *<@U1>*")
    assert "<b><i>both</i></b>" in html
    assert '<b><span class="mention mention-user" data-id="U1">@Ann</span></b>' in html


def test_inline_code_is_not_formatted() -> None:
    assert render("run `make *all*` now") == ('run <code class="mrkdwn-code">make *all*</code> now')


def test_preformatted_block_keeps_newlines_and_escapes() -> None:
    html = render("before\n```\nline <1> &amp; *2*\nline 3\n```\nafter")
    assert '<pre class="mrkdwn-pre">line &lt;1&gt; &amp; *2*\nline 3</pre>' in html
    assert html.startswith("before<br>")
    assert html.endswith("</pre>after")


def test_quote_lines() -> None:
    html = render("&gt; quoted one\n&gt; quoted two\nplain")
    assert html == "<blockquote>quoted one<br>quoted two</blockquote>plain"


def test_raw_gt_quote_and_multiline_quote() -> None:
    assert render("> raw") == "<blockquote>raw</blockquote>"
    assert render("intro\n&gt;&gt;&gt; all\nof this") == (
        "intro<blockquote>all<br>of this</blockquote>"
    )


def test_newlines_become_breaks() -> None:
    assert render("a\nb") == "a<br>b"


def test_escaped_entities_render_literally_once() -> None:
    html = render("a &amp; b &lt; c &gt; d")
    assert html == "a &amp; b &lt; c &gt; d"  # the page shows: a & b < c > d
    assert render("&amp;lt;") == "&amp;lt;"  # someone typed the five characters &lt;


def test_escaped_script_stays_inert() -> None:
    html = render("&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;")
    assert "<script" not in html
    assert "<img" not in html


def test_raw_html_tags_are_not_trusted() -> None:
    html = render('<script>alert(1)</script><img src=x onerror="alert(1)">')
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_quotes_and_apostrophes_are_escaped() -> None:
    assert render('it\'s "x"') == "it&#39;s &#34;x&#34;"


def test_known_emoji_are_replaced_unknown_left() -> None:
    html = render(":warning: :white_check_mark: :no_entry: :unknown_thing: at 12:30:45")
    assert html == "\u26a0\ufe0f \u2705 \u26d4 :unknown_thing: at 12:30:45"


def test_placeholder_characters_in_input_are_dropped() -> None:
    assert render("a\x000\x01b") == "a0b"


def test_plain_to_html() -> None:
    html = plain_to_html("<!channel> & *not bold* :tada:\nnext")
    assert html == "&lt;!channel&gt; &amp; *not bold* \U0001f389<br>next"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://x", True),
        ("http://x", True),
        ("mailto:a@b", True),
        ("javascript:alert(1)", False),
        (" javascript:x", False),
        ("ftp://x", False),
    ],
)
def test_safe_url(url: str, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok
