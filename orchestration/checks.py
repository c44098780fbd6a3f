"""Great Expectations suites from `expectations/` as blocking asset checks, one per table, run
together for the tables one step makes."""

import functools
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import dagster as dg

from expectations import CRITICAL, Validation
from orchestration.apart import run_each_apart
from orchestration.assets import POOL
from orchestration.docs import DocsSite
from orchestration.resources import expectations_version
from orchestration.validating import ValidatedRows, validating_context
from orchestration.warehouse import Warehouse

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
        "marts.figure_claims",
        "marts.actor_links",
    ),
}
CHECKED_TABLES = tuple(table for tables in CHECKED_TABLES_BY_STEP.values() for table in tables)
# Two children validate the tables side by side, each its share one table after another: both
# cores of a small machine are used, only one table per child is held as a frame at a time, and
# the children's start (a fork, DuckDB opening the build database) is paid twice, not per table.
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
        validations = validate_apart(selected, warehouse, context.log.warning)
        for table, validation in zip(selected, validations, strict=True):
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


def validate_apart(
    tables: Sequence[str], warehouse: Warehouse, log: Callable[[str], None] = lambda _: None
) -> list[Validation]:
    """The tables validated, in order, by `VALIDATIONS_AT_ONCE` children forked from the
    validating server: GX is never imported in the run's process, and the frames and GX's working
    copies, several hundred MB at 10,000 articles, never stay there. What the children say (a
    wait for a lock) goes to `log`."""
    validated = ValidatedRows(
        Path(warehouse.path).absolute().parent / "validated",
        warehouse.database,
        expectations_version(),
    )
    shares = [tables[child::VALIDATIONS_AT_ONCE] for child in range(VALIDATIONS_AT_ONCE)]
    shares = [share for share in shares if share]
    validations = run_each_apart(
        [functools.partial(validated.validate_each, share) for share in shares],
        log,
        at_once=VALIDATIONS_AT_ONCE,
        context=validating_context(),
    )
    by_table = {
        table: validation
        for share, validated_share in zip(shares, validations, strict=True)
        for table, validation in zip(share, validated_share, strict=True)
    }
    return [by_table[table] for table in tables]


GREAT_EXPECTATIONS_CHECKS = [
    great_expectations_checks(step, tables) for step, tables in CHECKED_TABLES_BY_STEP.items()
]
