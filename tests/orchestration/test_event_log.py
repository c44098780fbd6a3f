import os
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.event_log import SqliteEventLogStorage
from sqlalchemy import event
from sqlalchemy.pool import Pool

from orchestration.event_log import ENGINES_KEPT, PooledSqliteEventLogStorage

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DAGSTER_YAML = PROJECT_ROOT / ".dagster_home" / "dagster.yaml"


@dg.asset(check_specs=[dg.AssetCheckSpec("positive", asset="figure")])
def figure() -> Iterator[dg.Output | dg.AssetCheckResult]:
    yield dg.Output(1)
    yield dg.AssetCheckResult(passed=True)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Dagster home with the project's dagster.yaml, as `make run` and `make ui` have it."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(DAGSTER_YAML, home)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


class EventLogConnections:
    """Counts the SQLite connections opened to, and closed on, the event log databases of the
    Dagster homes below `root` (the run and schedule storages have connections of their own)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.opened = self.closed = 0
        self._databases: dict[int, Path] = {}

    def __enter__(self) -> "EventLogConnections":
        event.listen(Pool, "connect", self._opened)
        event.listen(Pool, "close", self._closed)
        return self

    def __exit__(self, *_) -> None:
        event.remove(Pool, "connect", self._opened)
        event.remove(Pool, "close", self._closed)

    def _opened(self, connection, _) -> None:
        database = Path(connection.execute("pragma database_list").fetchone()[2])
        self._databases[id(connection)] = database
        self.opened += self._of_event_log(database)

    def _closed(self, connection, _) -> None:
        self.closed += self._of_event_log(self._databases.pop(id(connection), Path()))

    def _of_event_log(self, database: Path) -> bool:
        return database.parent.parts[-2:] == ("history", "runs") and self.root in database.parents


def test_the_project_instance_keeps_event_logs_where_dagster_does(home: Path) -> None:
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        result = dg.materialize([figure], instance=instance)
        stored = instance.all_logs(result.run_id)
    plain = SqliteEventLogStorage(str(home / "history" / "runs"))
    assert len(plain.get_records_for_run(result.run_id).records) == len(stored) > 10
    assert plain.get_latest_materialization_events([dg.AssetKey("figure")])


def test_history_written_by_dagsters_own_storage_is_read(home: Path, tmp_path: Path) -> None:
    default_home = tmp_path / "default_home"
    default_home.mkdir()
    with dg.DagsterInstance.from_config(str(default_home)) as default:
        assert type(default.event_log_storage) is SqliteEventLogStorage
        run_id = dg.materialize([figure], instance=default).run_id
        written = len(default.all_logs(run_id))
    shutil.copytree(default_home / "history", home / "history")
    with dg.DagsterInstance.get() as instance:
        assert len(instance.all_logs(run_id)) == written > 10
        assert instance.get_latest_materialization_event(dg.AssetKey("figure"))


def test_a_run_opens_a_connection_per_database_not_per_event(
    home: Path, tmp_path: Path
) -> None:
    default_home = tmp_path / "default_home"
    default_home.mkdir()
    with (
        EventLogConnections(tmp_path) as by_default,
        dg.DagsterInstance.from_config(str(default_home)) as default,
    ):
        dg.materialize([figure], instance=default)
    with EventLogConnections(tmp_path) as pooled, dg.DagsterInstance.get() as instance:
        events = len(instance.all_logs(dg.materialize([figure], instance=instance).run_id))
    # Dagster's own storage opens one for each event, and more for those mirrored in the index.
    assert by_default.opened > events > 10
    assert pooled.opened < by_default.opened / 4


def test_connections_are_kept_for_the_databases_used_last_only(home: Path) -> None:
    with EventLogConnections(home) as connections, dg.DagsterInstance.get() as instance:
        run_ids = [dg.materialize([figure], instance=instance).run_id for _ in range(3)]
        for run_id in run_ids * (ENGINES_KEPT // 3 + 2):
            instance.all_logs(run_id)
        for _ in range(ENGINES_KEPT + 2):
            instance.event_log_storage.get_records_for_run(os.urandom(8).hex())
        assert 0 < connections.opened - connections.closed <= ENGINES_KEPT
    assert connections.opened == connections.closed


def test_a_forked_child_opens_connections_of_its_own(home: Path) -> None:
    with dg.DagsterInstance.get() as instance:
        run_id = dg.materialize([figure], instance=instance).run_id
        expected = len(instance.all_logs(run_id))
        reader, writer = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - the child reports through the pipe
            counts: Counter = Counter()
            event.listen(Pool, "connect", lambda *_: counts.update(["opened"]))
            read = len(instance.all_logs(run_id))
            os.write(writer, f"{read} {counts['opened']}".encode())
            os._exit(0)
        os.close(writer)
        read, opened = map(int, os.read(reader, 100).split())
        os.waitpid(child, 0)
        assert (read, opened > 0) == (expected, True)
        assert len(instance.all_logs(run_id)) == expected


def test_commits_wait_for_the_disk_at_checkpoints_only(home: Path) -> None:
    with dg.DagsterInstance.get() as instance:
        run_id = dg.materialize([figure], instance=instance).run_id
        storage = instance.event_log_storage
        for shard in (run_id, "index"):
            with storage._connect(shard) as conn:  # noqa: SLF001 - the storage under test
                assert conn.exec_driver_sql("pragma journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("pragma synchronous").scalar() == 1  # NORMAL
