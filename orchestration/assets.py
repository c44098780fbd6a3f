"""Python assets: the inbox scan, the NLP tag tables, and publishing the warehouse."""

import time
from collections.abc import Callable

import dagster as dg

from orchestration.progress import Progress
from orchestration.resources import Inbox, NlpPipeline
from orchestration.warehouse import NLP_TABLES, Warehouse

POOL = "warehouse"
RAW_DOCUMENTS = dg.AssetKey(["raw", "documents"])
RAW_ARTICLES = dg.AssetKey(["raw", "articles"])
NLP_KEYS = {table: dg.AssetKey(table.split(".")) for table in NLP_TABLES}
MART_NAMES = (
    "articles", "sources", "actors", "claims", "events", "quantities", "figures", "actor_links",
)  # fmt: skip
PUBLISHED = dg.AssetKey(["warehouse", "published"])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            RAW_DOCUMENTS,
            description="One row per file in the inbox: its type, size, hash, and status "
            "(ingested, or rejected with the reason).",
            group_name="ingest",
            kinds={"python", "duckdb"},
        ),
        dg.AssetSpec(
            RAW_ARTICLES,
            description="One row per story (a file may hold several): title, outlet, date with "
            "its provenance, cleaned body, credited wire agencies, duplicate_of.",
            group_name="ingest",
            kinds={"python", "duckdb"},
        ),
    ],
    pool=POOL,
)
def inbox_scan(context: dg.AssetExecutionContext, inbox: Inbox, warehouse: Warehouse):
    """Reads every file of the inbox; the raw tables become exactly what the inbox holds."""
    scanned = inbox.scan(progress=Progress(context.log.info, "files read"))
    warehouse.replace_inbox(scanned.documents, scanned.articles)
    rejected = [d for d in scanned.documents if d.status == "rejected"]
    for document in rejected:
        context.log.warning(f"rejected {document.source_file}: {document.reject_reason}")
    context.log.info(
        f"{len(scanned.documents)} files: {len(scanned.documents) - len(rejected)} ingested, "
        f"{len(rejected)} rejected; {len(scanned.articles)} stories"
    )
    yield dg.MaterializeResult(
        asset_key=RAW_DOCUMENTS,
        metadata={"dagster/row_count": len(scanned.documents), "rejected": len(rejected)},
    )
    yield dg.MaterializeResult(
        asset_key=RAW_ARTICLES,
        metadata={
            "dagster/row_count": len(scanned.articles),
            "duplicates": sum(1 for a in scanned.articles if a.duplicate_of),
        },
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            deps=[RAW_ARTICLES],
            description=description,
            group_name="nlp",
            kinds={"python", "spacy", "duckdb"},
        )
        for key, description in zip(
            NLP_KEYS.values(),
            (
                "One row per sentence of an original (non-duplicate) article.",
                "One row per named mention (person, organization, country, group, place), "
                "resolved within its article.",
                "One row per attributed statement: a direct quote or reported speech, "
                "with its speaker and cue.",
                "One row per event mention (clause): type, actor, target, place, date, counts.",
                "One row per cardinal figure with its unit, normalized.",
            ),
            strict=True,
        )
    ],
    pool=POOL,
)
def nlp_tags(context: dg.AssetExecutionContext, warehouse: Warehouse, nlp: NlpPipeline):
    """One spaCy pass per new article; articles tagged before by the same code are kept."""
    counts = tag_new_articles(warehouse, nlp, context.log.info)
    totals = warehouse.row_counts(NLP_TABLES)
    for table, key in NLP_KEYS.items():
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={"dagster/row_count": totals[table], "new_rows": counts.get(table, 0)},
        )


def tag_new_articles(
    warehouse: Warehouse, nlp: NlpPipeline, log: Callable[[str], None]
) -> dict[str, int]:
    """Tags the articles that have no tags yet, committing batch by batch; returns new rows."""
    version = nlp.version()
    forgotten = warehouse.forget_stale_tags(version)
    if forgotten:
        log(f"dropped the tags of {forgotten} articles that changed, left, or predate {version}")
    pending = warehouse.untagged_article_ids()
    if not pending:
        log("no new articles: nothing to tag")
        return {}
    log(f"tagging {len(pending)} articles with {version}")
    added = dict.fromkeys(NLP_TABLES, 0)
    started, done = time.monotonic(), 0
    step = nlp.batch_size * 4
    for batch in (pending[i : i + step] for i in range(0, len(pending), step)):
        tagged = list(nlp.tag(warehouse.article_texts(batch)))
        for table, n in warehouse.write_tags(tagged, version).items():
            added[table] += n
        done += len(batch)
        elapsed = time.monotonic() - started
        rate = done / elapsed if elapsed else float("inf")
        log(
            f"tagged {done}/{len(pending)} articles ({rate:.1f}/s, "
            f"ETA {(len(pending) - done) / rate:.0f}s)"
        )
    return added


@dg.asset(
    key=PUBLISHED,
    deps=[dg.AssetKey(["marts", name]) for name in MART_NAMES],
    group_name="warehouse",
    kinds={"duckdb"},
    pool=POOL,
)
def published(warehouse: Warehouse) -> dg.MaterializeResult:
    """The warehouse file analysts open: a copy of the build database, swapped in atomically
    only after the marts and their blocking checks succeeded."""
    path = warehouse.publish()
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path))})
