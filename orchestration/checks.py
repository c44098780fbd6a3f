"""Great Expectations suites from `expectations/` as blocking asset checks, one per table, run
together for the tables one step makes."""

import hashlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import dagster as dg
import duckdb

from expectations import CRITICAL, Validation
from orchestration.apart import run_each_apart
from orchestration.assets import POOL
from orchestration.docs import DocsSite
from orchestration.recovery import process_exists
from orchestration.resources import expectations_version
from orchestration.warehouse import Warehouse

if TYPE_CHECKING:
    import pandas as pd

CHECK_NAME = "great_expectations"
# The tables each step makes: the inbox scan, the load of the tags, and dbt.
CHECKED_TABLES_BY_STEP = {
    "raw": ("raw.documents", "raw.articles"),
    "nlp": (
        "nlp.sentences",
        "nlp.entity_mentions",
        "nlp.quotes",
        "nlp.event_mentions",
        "nlp.quantities",
    ),
    "marts": (
        "marts.articles",
        "marts.sources",
        "marts.actors",
        "marts.claims",
        "marts.events",
        "marts.quantities",
        "marts.figures",
        "marts.actor_links",
    ),
}
CHECKED_TABLES = tuple(table for tables in CHECKED_TABLES_BY_STEP.values() for table in tables)
# Each child holds its table as a frame: two at once use both cores of a small machine and keep
# the memory bounded on a large one.
VALIDATIONS_AT_ONCE = 2


def _asset_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(table.split("."))


def great_expectations_checks(step: str, tables: Sequence[str]) -> dg.AssetChecksDefinition:
    """A blocking check per table that validates it with its suite; critical failures block
    downstream assets. The tables of one step are validated side by side."""

    @dg.multi_asset_check(
        name=f"{step}_{CHECK_NAME}",
        specs=[
            dg.AssetCheckSpec(
                CHECK_NAME,
                asset=_asset_key(table),
                description=f"The Great Expectations suite for {table}: content and "
                "distributions. Critical expectations block downstream assets; warnings are "
                "reported.",
                blocking=True,
            )
            for table in tables
        ],
        can_subset=True,
        pool=POOL,
    )
    def checks(
        context: dg.AssetCheckExecutionContext, warehouse: Warehouse, docs: DocsSite
    ) -> Iterator[dg.AssetCheckResult]:
        selected = [
            table
            for table in tables
            if dg.AssetCheckKey(_asset_key(table), CHECK_NAME) in context.selected_asset_check_keys
        ]
        for table, validation in zip(selected, validate_apart(selected, warehouse), strict=True):
            docs.save_validation(table, validation.result)
            for failure in validation.failures:
                log = context.log.error if failure.severity == CRITICAL else context.log.warning
                log(
                    f"{table}: {failure.expectation} failed ({failure.severity}) on "
                    f"{failure.column or 'the table'}: {failure.summary}"
                    + (f"; e.g. {', '.join(failure.examples)}" if failure.examples else "")
                )
            yield dg.AssetCheckResult(
                asset_key=_asset_key(table),
                check_name=CHECK_NAME,
                passed=validation.success,
                severity=(
                    dg.AssetCheckSeverity.ERROR
                    if validation.blocking_failed
                    else dg.AssetCheckSeverity.WARN
                ),
                metadata={
                    **{
                        name: dg.MetadataValue.md(value) if name == "failures" else value
                        for name, value in validation.as_metadata().items()
                    },
                    "data_docs": dg.MetadataValue.url(docs.gx_index.as_uri()),
                },
            )

    return checks


def validate_apart(tables: Sequence[str], warehouse: Warehouse) -> list[Validation]:
    """Each table validated in a forked child (`run_each_apart`): its frames and GX's working
    copies, several hundred MB at 10,000 articles, never stay in the run's process."""
    from expectations import import_great_expectations

    import_great_expectations()  # here, once, rather than in every child
    validated = ValidatedRows(Path(warehouse.path).absolute().parent / "validated")
    return run_each_apart(
        [lambda _, table=table: validated.validate(table, warehouse) for table in tables],
        at_once=VALIDATIONS_AT_ONCE,
    )


class UnvalidatedRows(NamedTuple):
    rows: "pd.DataFrame"  # new or changed since the table last passed: every row the first time
    whole_table: "pd.DataFrame"  # every row, in the columns the table-wide expectations read
    kept: Path  # the hashes of the rows that passed
    staged: Path  # the hashes of every row now, kept in place of `kept` if these pass


class ValidatedRows:
    """The rows of each table its last validation passed, kept as hashes of their values in a
    Parquet file per table (in `folder`, beside the build database), so that a check validates
    only the rows new or changed since, and the table-wide expectations (row count, unique keys)
    on every row. After a critical failure the file stays as it was: the failing rows are
    validated again next time. The file's name holds a digest of the expectations code and the
    table's columns, so that a change to either has the whole table validated again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def validate(self, table: str, warehouse: Warehouse) -> Validation:
        from expectations import validate_table

        read = self.read(table, warehouse)
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

    def read(self, table: str, warehouse: Warehouse) -> UnvalidatedRows:
        """The rows to validate, and the hashes of every row staged to be kept if they pass. The
        read-only connection keeps writers out, so the hashes are those of the rows read."""
        from expectations import table_wide_columns

        self.folder.mkdir(parents=True, exist_ok=True)
        self._remove_abandoned(table)
        with warehouse.connect(read_only=True) as conn:
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
        version = hashlib.sha256(f"{expectations_version()} {columns!r}".encode()).hexdigest()
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


GREAT_EXPECTATIONS_CHECKS = [
    great_expectations_checks(step, tables) for step, tables in CHECKED_TABLES_BY_STEP.items()
]
