"""The labelled examples shipped with the classifier: one TSV file per tier, reviewed as data."""

from __future__ import annotations

from pathlib import Path

from bot.incidents.classifier.neighbours import Example

EXAMPLES_FOLDER = Path(__file__).with_name("examples")


def read_examples(path: Path, source: str = "shipped") -> list[Example]:
    """Rows of `text<TAB>tier<TAB>category`; # starts a comment. ValueError names the line."""
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not parts[1].strip().isdigit() or not parts[2].strip():
            raise ValueError(f"{path.name}:{number}: expected text<TAB>tier<TAB>category")
        text, tier, category = parts
        examples.append(Example(text.strip(), int(tier), category.strip(), source))
    return examples


def shipped_examples(folder: Path = EXAMPLES_FOLDER) -> list[Example]:
    """Every example in the shipped files, in file order."""
    return [e for path in sorted(folder.glob("*.tsv")) for e in read_examples(path)]
