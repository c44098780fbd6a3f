"""The benchmark reads each run's steps from the event log of its own Dagster home."""

import shutil
import time
from pathlib import Path

import dagster as dg
import pytest

from bench.run_bench import run_events
from orchestration.settings import PROJECT_ROOT


@dg.asset
def counted() -> int:
    return 1


def test_the_steps_come_from_the_benchmarks_home_not_the_one_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, instance_kept_in
) -> None:
    home = tmp_path / "bench_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / ".dagster_home" / "dagster.yaml", home)
    started = time.time()
    with instance_kept_in(home) as instance:
        assert dg.materialize([counted], instance=instance).success
    project_home = tmp_path / "project_home"  # what `make bench` exports
    project_home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(project_home))

    events = run_events(home, started)

    assert [key.split("@")[0] for key in events["steps"]] == ["counted"]
    assert events["status"] == "success" and events["run_seconds"] > 0
    assert not (project_home / "history").exists()
