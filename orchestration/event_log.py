"""Dagster's SQLite event log, with one connection kept per database file.

Dagster's `SqliteEventLogStorage` builds a new SQLAlchemy engine and opens a new SQLite
connection for every read and write: several per event, since an asset or check event is
mirrored into the index database. That costs about 1.6 ms a time, against 0.3 ms on a kept
connection; a refresh of a 10,000-article warehouse stores some 450 events, and takes about
1.3 s less with this storage. It keeps the same files in the same place as Dagster's default
(`history/runs/` under the Dagster home: a database per run, and an index), so history written
by either reads in the other; it only reuses an engine, and its one connection, per file.

Dagster keeps these databases in write-ahead-log mode; on its connections SQLite then waits for
the disk at every commit (about 1 ms here, and an event is two or three commits). This storage's
connections sync at checkpoints only (`synchronous=NORMAL`): a crash of the machine may lose the
last events written, never the database.
"""

import os
import sqlite3
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from dagster import StringSource
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

# Files with an engine kept: a run's process writes two (its run and the index); the UI reads
# the runs it shows.
ENGINES_KEPT = 16

_storages: "weakref.WeakSet[PooledSqliteEventLogStorage]" = weakref.WeakSet()


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` under `<dagster_home>/history/runs`, reusing one engine and
    connection per database for the `ENGINES_KEPT` files used last. In `dagster.yaml`:

        event_log_storage:
          module: orchestration.event_log
          class: PooledSqliteEventLogStorage
          config:
            dagster_home:
              env: DAGSTER_HOME
    """

    def __init__(self, dagster_home: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(
            base_dir=os.path.join(dagster_home, "history", "runs"), inst_data=inst_data
        )
        _storages.add(self)

    @classmethod
    def config_type(cls) -> Mapping[str, Any]:
        return {"dagster_home": StringSource}

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> "PooledSqliteEventLogStorage":
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _engine(self, shard: str) -> Engine:
        """The engine of `shard`'s file, made on first use; the least recently used beyond
        `ENGINES_KEPT` are closed."""
        engine = self._engines.pop(shard, None)
        if engine is None:
            # One connection kept; those opened beside it (a new database's setup inspects it
            # from a second one) are closed when done.
            engine = create_engine(
                self.conn_string_for_shard(shard),
                pool_size=1,
                max_overflow=-1,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            event.listen(engine, "connect", _sync_at_checkpoints)
        self._engines[shard] = engine
        while len(self._engines) > ENGINES_KEPT:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def _forget_inherited_connections(self) -> None:
        # A forked child must not use, nor close, the connections its parent goes on using; and
        # a lock another thread of the parent held at the fork would never be released here.
        self._db_lock = threading.Lock()
        for engine in self._engines.values():
            engine.dispose(close=False)


def _sync_at_checkpoints(connection: sqlite3.Connection, _record: object) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _after_fork_in_child() -> None:
    for storage in list(_storages):
        storage._forget_inherited_connections()  # noqa: SLF001 - this module's own class


os.register_at_fork(after_in_child=_after_fork_in_child)
