"""The Definitions load, form one connected graph from files to marts, and match the snapshot."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dagster as dg
import pytest
import yaml

from extract.nlp import ArticleText
from orchestration.assets import MART_NAMES
from orchestration.automation import inbox_state
from orchestration.definitions import build_definitions
from orchestration.project import DBT_PROJECT
from orchestration.settings import PROJECT_ROOT, Settings
from orchestration.tag_files import TagFiles

SNAPSHOT = Path(__file__).with_name("asset_graph.txt")
DAGSTER_YAML = PROJECT_ROOT / ".dagster_home" / "dagster.yaml"


@pytest.fixture(scope="module")
def defs(tmp_path_factory) -> dg.Definitions:
    root = tmp_path_factory.mktemp("defs")
    return build_definitions(Settings(warehouse=root / "warehouse.duckdb", inbox=root))


def asset_graph_lines(defs: dg.Definitions) -> list[str]:
    graph = defs.resolve_asset_graph()
    lines = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        parents = sorted(p.to_user_string() for p in node.parent_keys)
        checks = sorted(c.name for c in node.check_keys)
        lines.append(
            f"{key.to_user_string()} [{node.group_name}] <- {', '.join(parents) or '-'}"
            + (f"  checks: {', '.join(checks)}" if checks else "")
        )
    return lines


def test_definitions_validate(defs) -> None:
    dg.Definitions.validate_loadable(defs)


def test_asset_graph_matches_the_snapshot(defs) -> None:
    lines = asset_graph_lines(defs)
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text("\n".join(lines) + "\n")
    assert lines == SNAPSHOT.read_text().splitlines(), (
        "the asset graph changed: review it, then rerun with UPDATE_SNAPSHOTS=1"
    )


def test_the_definitions_load_without_the_ingest_code(modules_imported) -> None:
    """Only the inbox scan's child process reads files: a refresh's start-up does not import the
    ingest code and its near-duplicate search (datasketch, which imports scipy)."""
    loads = "import orchestration.cli, orchestration.definitions"
    assert modules_imported(loads, ["extract.ingest", "extract.dedup", "datasketch"]) == []


def test_every_mart_descends_from_the_inbox_scan(defs) -> None:
    graph = defs.resolve_asset_graph()
    for mart in MART_NAMES:
        ancestors = graph.get_ancestor_asset_keys(dg.AssetKey(["marts", mart]))
        assert dg.AssetKey(["raw", "articles"]) in ancestors, mart
    published_ancestors = graph.get_ancestor_asset_keys(dg.AssetKey(["warehouse", "published"]))
    assert dg.AssetKey(["nlp", "quotes"]) in published_ancestors


def test_every_dbt_data_test_is_an_asset_check(defs) -> None:
    manifest = json.loads(Path(DBT_PROJECT.manifest_path).read_text())
    data_tests = {
        node["name"] for node in manifest["nodes"].values() if node["resource_type"] == "test"
    }
    graph = defs.resolve_asset_graph()
    checks = {
        check.name for key in graph.get_all_asset_keys() for check in graph.get(key).check_keys
    }
    assert data_tests and data_tests <= checks, sorted(data_tests - checks)


def test_every_writer_shares_the_warehouse_pool_and_taggers_hold_none(defs) -> None:
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if key == dg.AssetKey(["nlp", "tag_batches"]):
            assert node.pools == set(), "tagging reads and writes files only"
        elif node.is_materializable:
            assert node.pools == {"warehouse"}, key
    tag_batch = defs.resolve_job_def("tag_batch")
    assert [node.definition.pool for node in tag_batch.graph.nodes] == [None]


def test_the_asset_graph_is_unpartitioned_so_materialize_all_is_one_run(defs) -> None:
    graph = defs.resolve_asset_graph()
    assert [k for k in graph.get_all_asset_keys() if graph.get(k).is_partitioned] == []
    assert defs.resolve_job_def("tag_batch").partitions_def.name == "tag_batches"


def test_writer_runs_carry_the_tag_that_serializes_them(defs) -> None:
    for name in ("ingest", "load"):
        assert defs.resolve_job_def(name).tags["newsledger/writes"] == "warehouse", name
    assert "newsledger/writes" not in defs.resolve_job_def("tag_batch").tags
    limits = yaml.safe_load(DAGSTER_YAML.read_text())["concurrency"]["runs"]
    assert {"key": "newsledger/writes", "value": "warehouse", "limit": 1} in (
        limits["tag_concurrency_limits"]
    )
    assert limits["max_concurrent_runs"] > 1


def test_the_schedule_and_sensors_start_running(defs) -> None:
    schedule = defs.resolve_schedule_def("refresh_schedule")
    sensor = defs.resolve_sensor_def("inbox_sensor")
    tagging = defs.resolve_sensor_def("tagging_sensor")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert sensor.default_status == tagging.default_status == dg.DefaultSensorStatus.RUNNING
    assert schedule.job_name == sensor.job_name == "ingest"
    assert {job.name for job in tagging.jobs} == {"tag_batch", "load"}


def test_the_tagging_sensor_launches_a_run_per_untagged_batch_then_one_load(tmp_path) -> None:
    settings = Settings(warehouse=tmp_path / "warehouse.duckdb", inbox=tmp_path)
    defs = build_definitions(settings)
    sensor = defs.resolve_sensor_def("tagging_sensor")
    files = TagFiles(path=str(settings.tagging_folder))
    article = ArticleText(article_id="a1", body="Text.", published_date=None)
    files.write_batch("k1", "v1", [article])
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("tag_batches", ["k1"])
        context = dg.build_sensor_context(
            instance_ref=instance.get_ref(), resources={"tag_files": files}, definitions=defs
        )
        requests = sensor.evaluate_tick(context).run_requests
        assert [(r.job_name, r.partition_key) for r in requests] == [("tag_batch", "k1")]
        files.write_tags("k1", [])
        assert sensor.evaluate_tick(context).run_requests == []  # no ingest has succeeded
        ingest = defs.resolve_job_def("ingest")
        run = instance.create_run_for_job(ingest, status=dg.DagsterRunStatus.SUCCESS)
        requests = sensor.evaluate_tick(context).run_requests
        assert [(r.job_name, r.run_key) for r in requests] == [("load", f"load_after:{run.run_id}")]


def test_the_sensor_requests_a_run_only_when_the_inbox_changes(tmp_path: Path) -> None:
    defs = build_definitions(Settings(warehouse=tmp_path / "w.duckdb", inbox=tmp_path))
    sensor = defs.resolve_sensor_def("inbox_sensor")
    (tmp_path / "a.txt").write_text("One story.")
    first = sensor.evaluate_tick(dg.build_sensor_context())
    assert len(first.run_requests) == 1
    cursor = first.cursor
    unchanged = sensor.evaluate_tick(dg.build_sensor_context(cursor=cursor))
    assert unchanged.run_requests == [] and unchanged.cursor in (None, cursor)
    (tmp_path / "b.txt").write_text("Another story.")
    changed = sensor.evaluate_tick(dg.build_sensor_context(cursor=cursor))
    assert len(changed.run_requests) == 1


def test_the_inbox_state_skips_hidden_files(tmp_path: Path) -> None:
    (tmp_path / ".DS_Store").write_text("x")
    (tmp_path / "story.txt").write_text("x")
    assert list(inbox_state(tmp_path)) == ["story.txt"]
