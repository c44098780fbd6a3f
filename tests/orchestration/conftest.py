"""Helpers shared by the orchestration tests."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb
import pytest


def _every_mart(path: Path) -> dict[str, list[str]]:
    """Every row of every marts table of the warehouse at `path`, ordering aside."""
    with duckdb.connect(str(path), read_only=True) as conn:
        tables = [r[0] for r in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()]
        return {
            t: sorted(map(repr, conn.execute(f"select * from marts.{t}").fetchall()))
            for t in sorted(tables)
        }


@pytest.fixture
def every_mart() -> Callable[[Path], dict[str, list[str]]]:
    return _every_mart


def _modules_imported(code: str, modules: Sequence[str]) -> list[str]:
    """Which of `modules` a fresh interpreter has imported after running `code`."""
    probe = (
        f"import json, sys\n{code}\n"
        f"print(json.dumps(sorted(m for m in {list(modules)!r} if m in sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture
def modules_imported() -> Callable[[str, Sequence[str]], list[str]]:
    return _modules_imported
