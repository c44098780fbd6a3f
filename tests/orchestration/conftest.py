"""Helpers shared by the orchestration tests."""

from __future__ import annotations

from collections.abc import Callable
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
