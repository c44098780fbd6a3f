"""The dbt project and the preparation of its manifest, which the dbt assets need at import."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from orchestration.settings import DBT_PROJECT_DIR

# dbt's profiles.yml reads the build database path from this variable.
BUILD_DATABASE_ENV = "NEWSLEDGER_BUILD_DATABASE"
DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# The dbt installed beside this interpreter, so an unactivated virtual environment works too.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))


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
