"""`newsledger run` holds one refresh of a warehouse at a time, keeps what it loads out of the
garbage collector's walks, and says why a step failed in one line."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
import weakref
from collections import Counter
from pathlib import Path

import duckdb
from dagster._utils.error import SerializableErrorInfo

from orchestration.cli import (
    RunSummary,
    _error_line,
    loaded_objects_frozen,
    many_new_files,
    one_refresh_at_a_time,
)
from orchestration.settings import PROJECT_ROOT, Settings


def test_a_second_refresh_of_a_warehouse_waits_for_the_first_to_end(
    tmp_path: Path, capsys
) -> None:
    settings = Settings(warehouse=tmp_path / "warehouse.duckdb", inbox=tmp_path)
    order = []

    def second_refresh() -> None:
        with one_refresh_at_a_time(settings):
            order.append("second")

    with one_refresh_at_a_time(settings):
        waiting = threading.Thread(target=second_refresh)
        waiting.start()
        waiting.join(timeout=0.5)
        assert waiting.is_alive()
        order.append("first")
    waiting.join(timeout=10)
    assert order == ["first", "second"]
    assert "waiting for another refresh" in capsys.readouterr().out


def test_refreshes_of_different_warehouses_do_not_wait(tmp_path: Path) -> None:
    first = Settings(warehouse=tmp_path / "a" / "warehouse.duckdb", inbox=tmp_path)
    second = Settings(warehouse=tmp_path / "b" / "warehouse.duckdb", inbox=tmp_path)
    with one_refresh_at_a_time(first), one_refresh_at_a_time(second):
        pass


class Node:
    """A container the garbage collector tracks."""


def test_tag_workers_start_early_when_the_new_files_outnumber_a_tag_batch(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "more").mkdir(parents=True)
    for number in range(4):
        (inbox / ("more" if number % 2 else "") / f"story_{number}.txt").write_text("text")
    settings = Settings(warehouse=tmp_path / "warehouse.duckdb", inbox=inbox, tag_batch_articles=2)
    assert many_new_files(settings)  # no build database yet: every file is new
    settings.build_database.parent.mkdir(parents=True)
    with duckdb.connect(str(settings.build_database)) as conn:
        conn.execute("create schema raw")
        conn.execute("create table raw.documents as select 'story_0.txt' as source_file")
    assert many_new_files(settings)  # 3 new files
    with duckdb.connect(str(settings.build_database)) as conn:
        conn.execute("insert into raw.documents values ('story_1.txt')")
    assert not many_new_files(settings)  # 2 new files: one batch, tagged in the load run


def test_what_loads_is_frozen_and_its_garbage_collected_first() -> None:
    assert gc.isenabled()
    try:
        with loaded_objects_frozen():
            assert not gc.isenabled()
            loaded = Node()
            loaded.itself = loaded
            garbage = Node()
            garbage.itself = garbage
            collected = weakref.ref(garbage)
            del garbage
        assert gc.isenabled()
        assert collected() is None
        assert not any(loaded is tracked for tracked in gc.get_objects())
    finally:
        gc.unfreeze()
    assert any(loaded is tracked for tracked in gc.get_objects())


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    try:
        with loaded_objects_frozen():
            pass
        assert not gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()


# What dagster-dbt raises when a model breaks its contract, as dbt 1.11 words it.
DBT_BUILD_FAILED = (
    "The dbt CLI process with command\n\n`dbt build --exclude-resource-type unit_test`\n\n"
    "failed with exit code `1`. Check the stdout in the Dagster compute logs for the full "
    "information about the error, or view the dbt debug log: /w.build/dbt_target/dbt.log.\n\n"
    "Errors parsed from dbt logs:\n\n"
    "90 of 124 ERROR creating sql table model marts.claims ... [\x1b[31mERROR\x1b[0m in 0.04s]\n\n"
    "\x1b[31mFailure in model claims (models/marts/claims.sql)\x1b[0m\n\n"
    "  Runtime Error in model claims (models/marts/claims.sql)\n"
    "  Constraint Error: NOT NULL constraint failed: claims__dbt_tmp.text\n\n"
    "\x1b[31mFailure in model events (models/marts/events.sql)\x1b[0m\n\n"
    "  Runtime Error in model events (models/marts/events.sql)\n"
)


def _step_error(message: str, cls_name: str) -> SerializableErrorInfo:
    raised = SerializableErrorInfo(message=message, stack=[], cls_name=cls_name)
    return SerializableErrorInfo(
        message='Error occurred while executing op "dbt_models":',
        stack=[],
        cls_name="DagsterExecutionStepExecutionError",
        cause=raised,
    )


def test_a_failed_dbt_build_is_told_by_dbts_first_error() -> None:
    error = _step_error(DBT_BUILD_FAILED, "DagsterDbtCliRuntimeError")
    assert _error_line(error) == (
        "dbt: Runtime Error in model claims (models/marts/claims.sql): "
        "Constraint Error: NOT NULL constraint failed: claims__dbt_tmp.text"
    )


def test_another_error_is_told_by_its_first_line() -> None:
    error = _step_error("Catalog Error: Table with name claims does not exist!\nDid you mean", "X")
    assert _error_line(error) == "X: Table with name claims does not exist!"
    assert _error_line(None) == ""


def test_the_summary_lines_up_the_row_counts_of_the_marts() -> None:
    summary = RunSummary(
        success=True,
        mart_rows={"articles": 7, "figure_claims": 15, "actor_links": 170},
        checks=Counter(passed=3),
        failed_checks=[],
        failed_steps=[],
        warehouse="warehouse.duckdb",
    )
    counts = [line for line in summary.render().splitlines() if line.endswith(" rows")]
    assert len(counts) == 3
    assert len({line.index(" rows") for line in counts}) == 1, counts


def test_a_refresh_builds_its_definitions_without_dbt_core(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from orchestration.cli import leave_dbt_core_out_of_this_process\n"
        "leave_dbt_core_out_of_this_process()\n"
        "from orchestration.definitions import build_definitions\n"
        "from orchestration.settings import Settings\n"
        "from dagster_dbt.compat import DBT_PYTHON_VERSION\n"
        f"settings = Settings(warehouse=Path({str(tmp_path / 'w.duckdb')!r}), "
        f"inbox=Path({str(tmp_path)!r}))\n"
        "graph = build_definitions(settings).resolve_asset_graph()\n"
        "print(DBT_PYTHON_VERSION, any(m == 'dbt' or m.startswith('dbt.') for m in sys.modules "
        "if sys.modules[m] is not None), len(graph.get_all_asset_keys()) > 30)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", "from pathlib import Path\n" + script],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["None", "False", "True"]
