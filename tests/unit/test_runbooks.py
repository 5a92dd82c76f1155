"""Runbook files: the seed five load; a malformed file is reported by file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.runbooks import DEFAULT_FOLDER, RunbookLibrary, load_runbooks


def test_the_seed_runbooks_load():
    runbooks, problems = load_runbooks(DEFAULT_FOLDER)
    assert problems == []
    assert sorted(r.title for r in runbooks) == [
        "Cache Issues",
        "Database Errors",
        "Email Not Sending",
        "Payment Processing Failure",
        "Site Slow or Down",
    ]
    site = next(r for r in runbooks if r.name == "site-slow-or-down")
    assert site.steps[0].text == "Check server resources (CPU, memory, disk)"
    assert site.steps[0].check is not None and site.steps[0].check.kind == "host"
    assert len(site.steps) == 6 and "level 2" in site.escalation


def test_finding_by_name_category_and_words():
    library = RunbookLibrary(load_runbooks(DEFAULT_FOLDER)[0])
    assert library.named("email-not-sending").title == "Email Not Sending"
    assert library.for_category("payments").name == "payment-processing-failure"
    assert library.find("the site is slow").name == "site-slow-or-down"
    assert library.find("redis stale").name == "cache-issues"
    assert library.find("quantum flux") is None


def test_a_malformed_file_is_reported_and_the_others_still_load(tmp_path: Path):
    for path in DEFAULT_FOLDER.glob("*.yml"):
        shutil.copy(path, tmp_path)
    (tmp_path / "broken.yml").write_text("title: Broken\nsteps:\n  - fine\n  - [unclosed\n")
    (tmp_path / "wrong.yml").write_text(
        "title: Wrong\ncategories: [x]\nsteps:\n  - text: ok\n  - text: bad\n"
        "    check: {kind: teleport}\n"
    )
    (tmp_path / "empty-steps.yml").write_text("title: Empty\nsteps: []\n")
    runbooks, problems = load_runbooks(tmp_path)
    assert len(runbooks) == 5
    by_file = {p.file: p for p in problems}
    assert by_file["broken.yml"].line == 4 and "not valid YAML" in by_file["broken.yml"].message
    assert by_file["wrong.yml"].line == 6 and "steps.1.check" in by_file["wrong.yml"].message
    assert by_file["empty-steps.yml"].line == 2
