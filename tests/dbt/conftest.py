"""dbt run as a user runs it: the dbt beside this interpreter, in the project folder, against a
build database of the test's own."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from orchestration.settings import DBT_PROJECT_DIR

DBT = Path(sys.executable).with_name("dbt")


@pytest.fixture(scope="session")
def run_dbt() -> Callable[..., subprocess.CompletedProcess]:
    return _run_dbt


def _run_dbt(build_database: Path, *args: str) -> subprocess.CompletedProcess:
    """`dbt <args>` on `build_database`; its target and logs go beside that file."""
    root = build_database.parent
    return subprocess.run(
        [
            str(DBT),
            *args,
            "--profiles-dir",
            ".",
            "--target-path",
            str(root / "target"),
            "--log-path",
            str(root / "logs"),
        ],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "NEWSLEDGER_BUILD_DATABASE": str(build_database)},
        capture_output=True,
        text=True,
        timeout=300,
    )
