"""Great Expectations suites from `expectations/` as blocking asset checks, one per table."""

import dagster as dg

from expectations import Validation
from orchestration.apart import run_apart
from orchestration.assets import POOL
from orchestration.docs import DocsSite
from orchestration.warehouse import Warehouse

CHECKED_TABLES = (
    "raw.documents",
    "raw.articles",
    "nlp.sentences",
    "nlp.entity_mentions",
    "nlp.quotes",
    "nlp.event_mentions",
    "nlp.quantities",
    "marts.articles",
    "marts.sources",
    "marts.actors",
    "marts.claims",
    "marts.events",
    "marts.quantities",
    "marts.figures",
    "marts.actor_links",
)


def great_expectations_check(table: str) -> dg.AssetChecksDefinition:
    """A check that validates `table` with its suite; critical failures block downstream."""

    @dg.asset_check(
        asset=dg.AssetKey(table.split(".")),
        name="great_expectations",
        description=f"The Great Expectations suite for {table}: content and distributions. "
        "Critical expectations block downstream assets; warnings are reported.",
        blocking=True,
        pool=POOL,
    )
    def check(warehouse: Warehouse, docs: DocsSite) -> dg.AssetCheckResult:
        validation = validate_apart(table, warehouse)
        docs.save_validation(table, validation.result)
        return dg.AssetCheckResult(
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

    return check


def validate_apart(table: str, warehouse: Warehouse) -> Validation:
    """`table` validated in a forked child (`run_apart`): its frame and GX's working copies,
    several hundred MB at 10,000 articles, never stay in the run's process."""
    from expectations import import_great_expectations, validate_table

    import_great_expectations()  # here, once, rather than in every child
    return run_apart(lambda _: validate_table(table, warehouse.frame(table)))


GREAT_EXPECTATIONS_CHECKS = [great_expectations_check(table) for table in CHECKED_TABLES]
