"""`extract/` and `expectations/` are pure: they never reach Dagster or the database."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {"dagster", "dagster_dbt", "dagster_duckdb", "duckdb", "orchestration", "dbt"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize(
    "path",
    sorted([*(ROOT / "extract").rglob("*.py"), *(ROOT / "expectations").rglob("*.py")]),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_pure_packages_import_no_orchestration_or_database(path: Path) -> None:
    assert imported_roots(path) & FORBIDDEN == set()


def test_the_rule_catches_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("import duckdb\nfrom dagster import asset\n")
    assert imported_roots(module) & FORBIDDEN == {"duckdb", "dagster"}
