"""The dbt project and the preparation of its manifest, which the dbt assets need at import."""

from __future__ import annotations

import os
import sys
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


def prepare_dbt_manifest() -> None:
    """Parse the dbt project into target/manifest.json (`dagster dev` does this by itself)."""
    dbt_resource().cli(["parse", "--quiet"], target_path=DBT_PROJECT.target_path).wait()


def prepare_dbt_manifest_if_dev() -> None:
    """Under `dagster dev`, parse the dbt project at load so that model edits show up. dagster-dbt's
    own `prepare_if_dev` looks for `dbt` on PATH, which an unactivated virtual environment lacks."""
    if os.getenv("DAGSTER_IS_DEV_CLI"):
        prepare_dbt_manifest()
