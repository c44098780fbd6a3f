"""Great Expectations validations in processes forked from a server that has GX loaded.

Importing GX takes about 3 s. In the run's process those seconds would lie on the critical path of
every refresh: the checks of the inbox scan follow the scan at once. The validating server is a
multiprocessing fork server that imports GX and this module on the other core while the run starts
(`start_validating_server`); the checks fork their children from it (`validating_context`), and the
Data Docs are written in one of them. Nothing here imports Dagster or the run's code, which the
server and its children therefore never load.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import multiprocessing.forkserver
import os
from collections.abc import Callable, Mapping, Sequence
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import duckdb

from expectations import Validation
from orchestration.apart import process_exists, run_apart
from orchestration.database import BuildDatabase

if TYPE_CHECKING:
    import pandas as pd

# What a check's child and the Data Docs' need, imported once by the server; `expectations` first,
# which turns GX's usage statistics off before GX is imported.
PRELOADED = (
    "orchestration.validating",
    "expectations.data_docs",
    "great_expectations",
    "great_expectations.core",
    "great_expectations.expectations",
    "great_expectations.data_context.types.base",
)


def validating_context() -> BaseContext:
    """The context whose processes are forked from the validating server, started at the first
    process if `start_validating_server` has not started it."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOADED))
    return context


def start_validating_server() -> None:
    """Starts the validating server, which then imports GX while this process goes on."""
    validating_context()
    multiprocessing.forkserver.ensure_running()


def write_data_docs(validations: Mapping[str, dict[str, Any]], site: Path, run_name: str) -> Path:
    """`build_data_docs` in a child of the validating server; the site's index.html."""
    return run_apart(
        functools.partial(_write_data_docs, validations, site, run_name),
        context=validating_context(),
    )


def _write_data_docs(
    validations: Mapping[str, dict[str, Any]], site: Path, run_name: str, _: Callable[[str], None]
) -> Path:
    from expectations.data_docs import build_data_docs

    return build_data_docs(validations, site, run_name=run_name)


class UnvalidatedRows(NamedTuple):
    rows: pd.DataFrame  # new or changed since the table last passed: every row the first time
    whole_table: pd.DataFrame  # every row, in the columns the table-wide expectations read
    kept: Path  # the hashes of the rows that passed
    staged: Path  # the hashes of every row now, kept in place of `kept` if these pass


class ValidatedRows:
    """The rows of each table its last validation passed, kept as hashes of their values in a
    Parquet file per table (in `folder`, beside the build database), so that a check validates
    only the rows new or changed since, and the table-wide expectations (row count, unique keys)
    on every row. After a critical failure the file stays as it was: the failing rows are
    validated again next time. The file's name holds a digest of the expectations code and the
    table's columns, so that a change to either has the whole table validated again."""

    def __init__(self, folder: Path, database: BuildDatabase, expectations_version: str) -> None:
        self.folder = folder
        self.database = database
        self.expectations_version = expectations_version  # of the suites and the code running them

    def validate_each(self, tables: Sequence[str], log: Callable[[str], None]) -> list[Validation]:
        """`validate` of each table, one after another."""
        return [self.validate(table, log) for table in tables]

    def validate(self, table: str, log: Callable[[str], None]) -> Validation:
        """`table`'s rows validated; waits for a lock are said through `log`."""
        from expectations import validate_table

        read = self.read(table, log)
        try:
            validation = validate_table(table, read.rows, whole_table=read.whole_table)
        except BaseException:
            read.staged.unlink(missing_ok=True)
            raise
        if validation.blocking_failed:
            read.staged.unlink(missing_ok=True)
        else:
            os.replace(read.staged, read.kept)
            for other in self.folder.glob(f"{table}.*.parquet"):
                if other != read.kept:
                    other.unlink(missing_ok=True)
        return validation

    def read(self, table: str, log: Callable[[str], None]) -> UnvalidatedRows:
        """The rows to validate, and the hashes of every row staged to be kept if they pass. The
        read-only connection keeps writers out, so the hashes are those of the rows read."""
        from expectations import table_wide_columns

        self.folder.mkdir(parents=True, exist_ok=True)
        self._remove_abandoned(table)
        with self.database.connect(read_only=True, warn=log) as conn:
            columns = self._columns(conn, table)
            kept = self._file(table, columns)
            staged = kept.with_name(f".{kept.name}.{os.getpid()}.tmp")
            # A missing key column fails the suite's expectations rather than this query.
            keys = [f'"{c}"' for c in table_wide_columns(table) if c in dict(columns)]
            unvalidated = (
                f"select t.* from {table} as t where hash(t) not in "
                f"(select row_hash from read_parquet({_quoted(kept)}))"
                if kept.exists()
                else f"select * from {table}"
            )
            try:
                conn.execute(
                    f"copy (select hash(t) as row_hash from {table} as t) to {_quoted(staged)} "
                    "(format parquet)"
                )
                return UnvalidatedRows(
                    rows=conn.execute(unvalidated).df(),
                    whole_table=conn.execute(
                        f"select {', '.join(keys) or '1 as one'} from {table}"
                    ).df(),
                    kept=kept,
                    staged=staged,
                )
            except BaseException:
                staged.unlink(missing_ok=True)
                raise

    def _remove_abandoned(self, table: str) -> None:
        """Staged hashes whose check was killed before keeping or dropping them."""
        for staged in self.folder.glob(f".{table}.*.tmp"):
            pid = staged.name.split(".")[-2]  # .<table>.<version>.parquet.<pid>.tmp
            if not (pid.isdigit() and process_exists(int(pid))):
                staged.unlink(missing_ok=True)

    def _file(self, table: str, columns: list[tuple[str, str]]) -> Path:
        version = hashlib.sha256(f"{self.expectations_version} {columns!r}".encode()).hexdigest()
        return self.folder / f"{table}.{version[:12]}.parquet"

    @staticmethod
    def _columns(conn: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
        schema, name = table.split(".")
        return conn.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, name],
        ).fetchall()


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
