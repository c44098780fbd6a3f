"""The dbt project and the preparation of its manifest, which the dbt assets need at import."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from orchestration.settings import DBT_PROJECT_DIR

# dbt's profiles.yml reads the build database path and DuckDB's memory cap from these.
BUILD_DATABASE_ENV = "NEWSLEDGER_BUILD_DATABASE"
MEMORY_LIMIT_ENV = "NEWSLEDGER_DUCKDB_MEMORY_LIMIT"
DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# The dbt installed beside this interpreter, so an unactivated virtual environment works too.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))


def export_dbt_environment(build_database: str, memory_limit: str) -> None:
    """What the next dbt command reads through profiles.yml."""
    os.environ[BUILD_DATABASE_ENV] = build_database
    os.environ[MEMORY_LIMIT_ENV] = memory_limit


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE)


class DbtCommandError(RuntimeError):
    """A dbt command run by `run_dbt` failed."""


def run_dbt(args: Sequence[str], target_path: Path) -> None:
    """Runs a dbt command whose results are files, not Dagster events (parse, docs generate),
    with the dbt executable alone: `DbtCliResource.cli` would first ask dbt for its version and
    load a dbt adapter in this process, seconds each time, for what only a build reports."""
    command = [
        DBT_EXECUTABLE,
        *args,
        "--project-dir", str(DBT_PROJECT.project_dir),
        "--profiles-dir", str(DBT_PROJECT.profiles_dir),
        "--target-path", str(target_path),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        said = (done.stdout + done.stderr).strip().splitlines()[-20:]
        raise DbtCommandError(
            f"dbt {' '.join(args)} failed (exit {done.returncode}):\n" + "\n".join(said)
        )


def prepare_dbt_manifest() -> None:
    """Parse the dbt project into target/manifest.json (`dagster dev` does this by itself)."""
    run_dbt(["parse", "--quiet"], target_path=DBT_PROJECT.target_path)


def prepare_dbt_manifest_if_dev() -> None:
    """Under `dagster dev`, parse the dbt project at load so that model edits show up. dagster-dbt's
    own `prepare_if_dev` looks for `dbt` on PATH, which an unactivated virtual environment lacks."""
    if os.getenv("DAGSTER_IS_DEV_CLI"):
        prepare_dbt_manifest()
