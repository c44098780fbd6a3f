"""The dbt project as Dagster assets: models keyed [schema, model], sources [source, table]."""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DbtCliResource,
    dbt_assets,
)

from orchestration.assets import POOL
from orchestration.project import DBT_PROJECT
from orchestration.warehouse import Warehouse

DBT_PROJECT.prepare_if_dev()

# dbt's profiles.yml reads the build database path from this variable.
BUILD_DATABASE_ENV = "NEWSLEDGER_BUILD_DATABASE"


class LayeredTranslator(DagsterDbtTranslator):
    """Asset keys equal dbt relation names, so Python assets and dbt sources meet in one graph."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed"):
            schema = dbt_resource_props["config"].get("schema") or "main"
            return dg.AssetKey([schema, dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        return "warehouse"


# Source tests stay off: a blocking check run by the dbt step on raw/articles would make the NLP
# assets wait for dbt, and dbt for them, so Dagster would split dbt into several invocations.
# The Python assets' own Great Expectations suites check those tables.
TRANSLATOR = LayeredTranslator()


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=TRANSLATOR,
    pool=POOL,
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    """Reference seeds, staging views, intermediate models and the marts, built with their tests."""
    warehouse.ensure_tables()  # dbt may run first (seeds), or alone from the UI
    os.environ[BUILD_DATABASE_ENV] = warehouse.path
    yield from dbt.cli(["build"], context=context).stream()
