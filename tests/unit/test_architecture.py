"""The import rules of STYLE.md "Our shape", checked by walking the source with `ast`.

- the `bot/` core imports no slack_bolt, apscheduler, handlers or scheduled — except the
  composition root (`bot/app.py`, the app factory) and the CLI (`bot/cli.py`);
- `handlers/` hold no SQL: no sqlalchemy.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

CORE_FORBIDDEN = {"slack_bolt", "apscheduler", "handlers", "scheduled"}
# The app factory and the CLI wire everything together, so they may import anything (also if
# they grow into packages bot/app/ or bot/cli/).
COMPOSITION_ROOTS = {"bot.app", "bot.cli"}
HANDLERS_FORBIDDEN = {"sqlalchemy"}


def module_name(path: Path) -> str:
    """Dotted module name of a file below the repo root (`bot/x/__init__.py` -> `bot.x`)."""
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def python_files(package: str) -> list[Path]:
    return sorted(p for p in (REPO_ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> Iterator[str]:
    """Absolute names of every module `source` imports, wherever the import statement sits.

    Relative imports are resolved against `module`; `importlib.import_module("x")` and
    `__import__("x")` with a literal name count too. Type-checking-only imports count as well:
    the core must not even know these names.
    """
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".") if package else []
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts)
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if node.module:
                yield target
            else:  # `from .. import x`: the names are the modules
                yield from (f"{target}.{alias.name}".lstrip(".") for alias in node.names)
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func):
            if node.args and isinstance(node.args[0], ast.Constant):
                if isinstance(node.args[0].value, str):
                    yield node.args[0].value


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in {"__import__", "import_module"}
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def violations(path: Path, forbidden: set[str]) -> list[str]:
    module = module_name(path)
    source = path.read_text(encoding="utf-8")
    found = imported_modules(source, module, is_package=path.name == "__init__.py")
    return sorted(
        {
            f"{path.relative_to(REPO_ROOT)} imports {name}"
            for name in found
            if name.split(".")[0] in forbidden
        }
    )


def is_composition_root(path: Path) -> bool:
    module = module_name(path)
    return any(module == root or module.startswith(root + ".") for root in COMPOSITION_ROOTS)


# -- the rules on the real tree ----------------------------------------------------------------


def test_walk_covers_the_packages() -> None:
    bot_files = {p.relative_to(REPO_ROOT).as_posix() for p in python_files("bot")}
    handler_files = {p.relative_to(REPO_ROOT).as_posix() for p in python_files("handlers")}
    assert "bot/__init__.py" in bot_files
    assert "handlers/__init__.py" in handler_files


def test_core_imports_no_slack_bolt_scheduler_or_edges() -> None:
    problems = [
        problem
        for path in python_files("bot")
        if not is_composition_root(path)
        for problem in violations(path, CORE_FORBIDDEN)
    ]
    assert not problems, (
        "the bot/ core must not depend on Bolt, APScheduler, handlers or scheduled "
        "(only bot/app.py and bot/cli.py may):\n" + "\n".join(problems)
    )


def test_handlers_hold_no_sql() -> None:
    problems = [
        problem
        for path in python_files("handlers")
        for problem in violations(path, HANDLERS_FORBIDDEN)
    ]
    assert not problems, "handlers/ must call bot services, not SQLAlchemy:\n" + "\n".join(problems)


# -- the checker itself catches what it should ------------------------------------------------


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("import slack_bolt", "bot.services", "slack_bolt"),
        ("from slack_bolt.async_app import AsyncApp", "bot.services", "slack_bolt.async_app"),
        ("import apscheduler.schedulers.background as bg", "bot.jobs", "apscheduler"),
        ("from handlers import commands", "bot.services", "handlers"),
        ("def f():\n    import scheduled\n", "bot.x", "scheduled"),
        ("import importlib\nimportlib.import_module('handlers.views')", "bot.x", "handlers"),
        ("if TYPE_CHECKING:\n    from slack_bolt import App\n", "bot.x", "slack_bolt"),
    ],
)
def test_checker_finds_forbidden_imports(source: str, module: str, expected: str) -> None:
    names = set(imported_modules(source, module))
    assert any(name == expected or name.startswith(expected + ".") for name in names), names
    assert any(name.split(".")[0] in CORE_FORBIDDEN for name in names)


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("import slack_sdk\nfrom sqlalchemy import select", "bot.gateway"),
        ("from . import models\nfrom .db import Session", "bot.services"),
        ("from bot.handlers_text import x", "bot.services"),
        # relative imports stay inside bot/: this is bot.handlers, not the handlers/ package
        ("from .. import handlers", "bot.services.incidents"),
    ],
)
def test_checker_allows_core_imports(source: str, module: str) -> None:
    names = set(imported_modules(source, module))
    assert not {name for name in names if name.split(".")[0] in CORE_FORBIDDEN}, names


def test_relative_imports_resolve_against_their_package() -> None:
    assert "bot.db" in set(imported_modules("from ..db import Session", "bot.services.x"))
    assert "bot.services.rules" in set(
        imported_modules("from . import rules", "bot.services", is_package=True)
    )


def test_composition_roots_are_exempt() -> None:
    assert is_composition_root(REPO_ROOT / "bot" / "app.py")
    assert is_composition_root(REPO_ROOT / "bot" / "cli.py")
    assert not is_composition_root(REPO_ROOT / "bot" / "application.py")
    assert not is_composition_root(REPO_ROOT / "bot" / "services" / "app.py")


# -- packages: no cycles between bot/'s domain packages -------------------------------------


def bot_unit(module: str) -> str:
    """The unit of layering a module belongs to: its package below bot/, or the module itself
    (`bot.paging.pager` -> `paging`, `bot.clock` -> `clock`)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def package_graph() -> dict[str, set[str]]:
    """Which bot/ units import which others (imports inside one unit are not edges)."""
    graph: dict[str, set[str]] = {}
    for path in python_files("bot"):
        module = module_name(path)
        source = path.read_text(encoding="utf-8")
        unit = bot_unit(module)
        for name in imported_modules(source, module, is_package=path.name == "__init__.py"):
            if name.startswith("bot.") and bot_unit(name) != unit:
                graph.setdefault(unit, set()).add(bot_unit(name))
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle in the graph, as the path that closes it, or None."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return path[path.index(node) :] + [node]
        if node in done:
            return None
        for target in sorted(graph.get(node, ())):
            found = visit(target, [*path, node])
            if found:
                return found
        done.add(node)
        return None

    for start in sorted(graph):
        found = visit(start, [])
        if found:
            return found
    return None


def test_domain_packages_exist() -> None:
    for package in (
        "config",
        "store",
        "slack",
        "checks",
        "timeline",
        "incidents",
        "paging",
        "oncall",
        "checklists",
        "runbooks",
    ):
        assert (REPO_ROOT / "bot" / package / "__init__.py").is_file(), package


def test_no_import_cycles_between_packages() -> None:
    cycle = find_cycle(package_graph())
    assert cycle is None, "bot/ packages import each other in a circle: " + " -> ".join(cycle or [])


def test_cycle_finder_finds_and_clears() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
    assert bot_unit("bot.paging.pager") == "paging"
    assert bot_unit("bot.clock") == "clock"


def test_no_module_in_bot_is_over_300_lines() -> None:
    long = {
        path.relative_to(REPO_ROOT).as_posix(): lines
        for path in python_files("bot")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 320
    }
    assert not long, f"split these by responsibility: {long}"
