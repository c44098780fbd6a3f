"""Opening the build database without Dagster: the warehouse resource opens it here, and so do
the check processes forked from the validating server (`orchestration.validating`), which load
neither Dagster nor the run's code."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb

LOCK_RETRY_SECONDS = (0.2, 0.5, 1, 2, 4, 8, 15)


class WarehouseLockedError(RuntimeError):
    """Another process holds the build database."""


@dataclass(frozen=True)
class BuildDatabase:
    """The DuckDB file the refresh builds, and the published copy analysts should open instead."""

    path: str
    published_path: str
    memory_limit: str

    @contextmanager
    def connect(
        self, *, read_only: bool = False, warn: Callable[[str], None]
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection that waits out another process's lock with backoff before giving up;
        each wait is said through `warn` at once, so that a refresh waiting on a reader does not
        look hung."""
        for attempt, pause in enumerate((*LOCK_RETRY_SECONDS, None)):
            try:
                conn = duckdb.connect(
                    self.path, read_only=read_only, config={"memory_limit": self.memory_limit}
                )
                break
            except duckdb.IOException as error:
                if "lock" not in str(error).lower():
                    raise
                if pause is None:
                    raise WarehouseLockedError(
                        f"{self.path} is locked by another process after {attempt} retries: "
                        "close other connections to the build database (analysts should open "
                        f"the published copy {self.published_path})"
                    ) from error
                warn(f"{self.path} is locked by another process; retrying in {pause}s")
                time.sleep(pause)
        try:
            yield conn
        finally:
            conn.close()
