"""The dbt project and the preparation of its manifest, which the dbt assets need at import."""

from __future__ import annotations

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def prepare_dbt_manifest() -> None:
    """Parse the dbt project into target/manifest.json (`dagster dev` does this by itself)."""
    DBT_PROJECT.preparer.prepare(DBT_PROJECT)
