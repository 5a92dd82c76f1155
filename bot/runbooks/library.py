"""Runbooks: data files in runbooks/, loaded with every problem reported by file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.config import CheckSpec, texts_as_items

DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "runbooks"
_WORD = re.compile(r"[a-z0-9]+")


class Step(BaseModel):
    """One step; check is a live check the bot runs and shows beside it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, max_length=300)
    check: CheckSpec | None = None


class Runbook(BaseModel):
    """A runbook file's content; name is the file's stem."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    title: str = Field(min_length=1, max_length=120)
    categories: list[str] = []
    keywords: list[str] = []
    steps: list[Step] = Field(min_length=1, max_length=40)
    escalation: str = ""

    @field_validator("steps", mode="before")
    @classmethod
    def _plain_steps(cls, steps: Any) -> Any:
        return texts_as_items(steps)

    def words(self) -> set[str]:
        """Everything a search can match."""
        text = " ".join([self.name, self.title, *self.categories, *self.keywords])
        return set(_WORD.findall(text.lower()))


@dataclass(frozen=True)
class RunbookProblem:
    """A runbook file that could not be loaded, and where."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def load_runbooks(folder: Path) -> tuple[list[Runbook], list[RunbookProblem]]:
    """Every *.yml / *.yaml in folder; a bad file is reported and the others still load."""
    runbooks: list[Runbook] = []
    problems: list[RunbookProblem] = []
    if not folder.is_dir():
        return [], [RunbookProblem(str(folder), 0, "runbooks folder not found")]
    for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
        text = path.read_text(encoding="utf-8")
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            # The context mark is where the broken construct began, e.g. an unclosed "[".
            mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
            problems.append(
                RunbookProblem(
                    path.name,
                    mark.line + 1 if mark else 1,
                    f"not valid YAML: {getattr(exc, 'problem', exc)}",
                )
            )
            continue
        if not isinstance(raw, dict):
            problems.append(RunbookProblem(path.name, 1, "a runbook is a mapping of keys"))
            continue
        try:
            runbooks.append(Runbook.model_validate({**raw, "name": path.stem}))
        except ValidationError as exc:
            for error in exc.errors():
                loc = [part for part in error["loc"]]
                problems.append(
                    RunbookProblem(
                        path.name,
                        _line_of(text, loc),
                        f"{'.'.join(str(p) for p in loc)}: {error['msg']}",
                    )
                )
    return runbooks, problems


def _line_of(text: str, loc: list[Any]) -> int:
    """The line of the YAML node at a validation error's location (its parent if missing)."""
    node: Any = yaml.compose(text)
    line = 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == str(part)), None)
            if found is None:
                break
            node = found
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


class RunbookLibrary:
    """The loaded runbooks, found by name, category or words."""

    def __init__(self, runbooks: list[Runbook]) -> None:
        self.runbooks = sorted(runbooks, key=lambda r: r.title)

    def named(self, name: str) -> Runbook | None:
        """By file name (site-slow-or-down) or exact title, case-insensitively."""
        wanted = name.strip().lower()
        return next((r for r in self.runbooks if wanted in (r.name, r.title.lower())), None)

    def steps(self, name: str) -> list[Step] | None:
        """A runbook's steps by file name, None when there is no such runbook."""
        runbook = next((r for r in self.runbooks if r.name == name), None)
        return list(runbook.steps) if runbook else None

    def for_category(self, category: str) -> Runbook | None:
        """The runbook an incident of this category should follow."""
        return next((r for r in self.runbooks if category in r.categories), None)

    def search(self, words: str) -> list[Runbook]:
        """Runbooks sharing words with the query, best first."""
        query = set(_WORD.findall(words.lower()))
        scored = [(len(query & r.words()), r) for r in self.runbooks]
        return [r for score, r in sorted(scored, key=lambda s: -s[0]) if score]

    def find(self, name_or_words: str) -> Runbook | None:
        """A name if it is one, else the best search hit."""
        hits = self.search(name_or_words)
        return self.named(name_or_words) or (hits[0] if hits else None)
