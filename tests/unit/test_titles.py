"""A report split into title and details: one rule for the slash command and the form."""

from __future__ import annotations

from bot.incidents import TITLE_LIMIT, split_report

SENTENCE = "Checkout fails with a 502 for every card payment since the 10:02 deploy."


def test_a_long_line_is_cut_at_a_sentence_end_and_the_rest_kept() -> None:
    text = f"{SENTENCE} " + "Customers see a blank page and support has had forty calls. " * 80
    title, details = split_report(text)
    # As many whole sentences as fit.
    assert title == f"{SENTENCE} Customers see a blank page and support has had forty calls."
    assert len(title) <= TITLE_LIMIT
    assert details.startswith("Customers see a blank page") and details.count("forty calls") == 79
    assert f"{title} {details}" == text.strip()


def test_a_line_without_a_sentence_end_is_cut_at_a_word_and_continued() -> None:
    text = "word " * 20_000
    title, details = split_report(text)
    assert len(title) <= TITLE_LIMIT and title.endswith("word…")
    assert details.startswith("…word")
    assert f"{title[:-1]} {details[1:]}" == text.strip()


def test_one_endless_word_is_cut_too() -> None:
    title, details = split_report("x" * 500)
    assert len(title) == TITLE_LIMIT and title.endswith("…")
    assert title[:-1] + details[1:] == "x" * 500


def test_a_sentence_too_short_to_say_anything_is_not_the_title() -> None:
    text = "Help! " + "the search page hangs " * 20
    title, _ = split_report(text)
    assert title.startswith("Help! the search page") and title.endswith("…")


def test_multiline_text_titles_the_first_line_and_details_follow() -> None:
    title, details = split_report("checkout down\nsince 10:02, all cards", "extra")
    assert (title, details) == ("checkout down", "since 10:02, all cards\n\nextra")
    assert split_report("  site   down ") == ("site down", "")


def test_the_form_fields_split_the_same_way() -> None:
    assert split_report("search is empty", "since the deploy") == (
        "search is empty",
        "since the deploy",
    )
