"""The dbt project as Dagster assets: models keyed [schema, model], sources [source, table]."""

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DbtCliResource,
    dbt_assets,
)

from orchestration.apart import importing_meanwhile
from orchestration.assets import MART_NAMES, POOL
from orchestration.docs import DocsSite
from orchestration.project import (
    DBT_PROJECT,
    export_dbt_environment,
    kept_dbt_parse,
    prepare_dbt_manifest_if_dev,
)
from orchestration.queries import load_query, markdown_table, run_query
from orchestration.report import LIBRARIES as REPORT_LIBRARIES
from orchestration.warehouse import Warehouse
from orchestration.warm_dbt import LAST_RUN_RESULTS_FILE

prepare_dbt_manifest_if_dev()

# dbt's unit tests check the models' SQL on fixed rows, not the data: the test suite runs them
# (tests/dbt/test_unit_tests.py), a refresh need not.
BUILD_ARGS = ["build", "--exclude-resource-type", "unit_test"]
PREVIEW_ROWS = 5
# The example query that summarizes a mart at a glance, shown in its metadata.
MART_SUMMARIES = {
    "claims": "top_speakers",
    "events": "event_types",
    "figures": "figures_that_disagree",
    "actor_links": "actor_network",
    "sources": "most_cited_sources_per_outlet",
}


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
def dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse, docs: DocsSite
):
    """Reference seeds, staging views, intermediate models and the marts, built with their tests."""
    warehouse.ensure_tables()  # dbt may run first (seeds), or alone from the UI
    seeds = [seed for key, seed in _seeds().items() if key in context.selected_asset_keys]
    mark_seeds(warehouse, seeds, loaded=False)
    export_dbt_environment(warehouse.path, warehouse.memory_limit)
    # The events are passed on as dbt reports them, so that storing them overlaps the build;
    # the marts' are held until dbt ends, when the database can be read for their metadata.
    # The events of a failed build are still reported before its error.
    held, failure = [], None
    try:
        target_path = kept_dbt_parse(warehouse.path)
        # Kept apart: a build that fails before running any node would leave them as its own,
        # and their timings order the nodes of this one (`take_longest_chains_first`).
        last_results = target_path / "run_results.json"
        if last_results.exists():
            last_results.replace(target_path / LAST_RUN_RESULTS_FILE)
        # dbt's start-up (imports, parse) keeps one core busy: the report's libraries load on
        # the other, here, so that the report's child process inherits them.
        with importing_meanwhile(REPORT_LIBRARIES):
            invocation = dbt.cli(BUILD_ARGS, context=context, target_path=target_path)
            for event in invocation.stream():
                if _asset_key(context, event) in MART_KEYS:
                    held.append(event)
                else:
                    yield event
    except Exception as error:
        failure = error
    if failure is None:
        mark_seeds(warehouse, seeds, loaded=True)
    yield from with_mart_metadata(context, held, warehouse, docs, summarize=failure is None)
    if failure is not None:
        raise failure


def _seeds() -> dict[dg.AssetKey, Mapping[str, Any]]:
    manifest = json.loads(DBT_PROJECT.manifest_path.read_text())
    return {
        TRANSLATOR.get_asset_key(node): node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "seed"
    }


def _seed_mark(seed: Mapping[str, Any]) -> str:
    """What a seed's table is marked with once loaded and tested: the file and its checksum."""
    return f"loaded from {seed['original_file_path']} ({seed['checksum']['checksum']})"


def _table_comments(conn) -> dict[tuple[str, str], str | None]:
    return {
        (schema, table): comment
        for schema, table, comment in conn.execute(
            "select schema_name, table_name, comment from duckdb_tables()"
        ).fetchall()
    }


def mark_seeds(
    warehouse: Warehouse, seeds: Sequence[Mapping[str, Any]], *, loaded: bool
) -> None:
    """Marks the tables of `seeds` (manifest nodes) with the file each came from (a comment on
    the table) once a dbt build has loaded and tested them; unmarks them before it does, so that
    a build that fails halfway leaves no table marked with a file it no longer holds."""
    if not seeds:
        return
    with warehouse.transaction() as conn:
        present = _table_comments(conn)
        for seed in seeds:
            if (seed["schema"], seed["alias"]) in present:  # not when dbt builds elsewhere
                table = f'"{seed["schema"]}"."{seed["alias"]}"'
                mark = _seed_mark(seed).replace("'", "''")
                comment = f"'{mark}'" if loaded else "null"
                conn.execute(f"comment on table {table} is {comment}")


def current_seeds(warehouse: Warehouse) -> set[dg.AssetKey]:
    """The seeds whose table a successful dbt build loaded from the file as it is now: a
    refresh leaves them out rather than load and test the same rows again."""
    if not Path(warehouse.path).exists():
        return set()
    with warehouse.connect(read_only=True) as conn:
        comments = _table_comments(conn)
    return {
        key
        for key, seed in _seeds().items()
        if comments.get((seed["schema"], seed["alias"])) == _seed_mark(seed)
    }


MART_KEYS = {dg.AssetKey(["marts", name]): name for name in MART_NAMES}


def _asset_key(context: dg.AssetExecutionContext, event: Any) -> dg.AssetKey | None:
    if isinstance(event, dg.Output):
        return context.asset_key_for_output(event.output_name)
    return getattr(event, "asset_key", None)


def with_mart_metadata(
    context: dg.AssetExecutionContext,
    events: Iterable,
    warehouse: Warehouse,
    docs: DocsSite,
    *,
    summarize: bool = True,
) -> Iterator:
    """The marts' dbt events, each mart's output with its row count, top rows and summary added.
    A mart's check results follow its output, so that they refer to this materialization.
    A summary query may read other marts: after a failed build, which may have left one
    unbuilt, the summaries are left out."""
    with warehouse.connect(read_only=True) as conn:
        for event in events:
            if isinstance(event, dg.Output):
                name = MART_KEYS[context.asset_key_for_output(event.output_name)]
                added = mart_metadata(conn, name, docs, summarize=summarize)
                event = event.with_metadata({**event.metadata, **added})
            yield event


def mart_metadata(conn, name: str, docs: DocsSite, *, summarize: bool = True) -> dict[str, Any]:
    table = conn.table(f"marts.{name}")
    metadata: dict[str, Any] = {
        "dagster/row_count": table.count("*").fetchone()[0],
        "preview": dg.MetadataValue.md(markdown_table(table.limit(PREVIEW_ROWS).df())),
        "dbt_docs": dg.MetadataValue.url(docs.dbt_model_url(name)),
        "data_docs": dg.MetadataValue.url(docs.gx_index.as_uri()),
    }
    if summarize and name in MART_SUMMARIES:
        query = load_query(MART_SUMMARIES[name])
        metadata[query.title.lower()] = dg.MetadataValue.md(
            markdown_table(run_query(conn, query))
        )
    return metadata
