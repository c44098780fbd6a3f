"""Python assets and the tag-batch job: the inbox scan, tagging batches of articles in files,
loading their tags into the nlp tables, and publishing the warehouse."""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from extract.tag_batches import BatchPlan, plan_batches
from orchestration.apart import run_apart
from orchestration.progress import Progress
from orchestration.resources import Inbox, NlpPipeline
from orchestration.tag_files import TagFiles
from orchestration.warehouse import NLP_TABLES, Warehouse

POOL = "warehouse"
RAW_DOCUMENTS = dg.AssetKey(["raw", "documents"])
RAW_ARTICLES = dg.AssetKey(["raw", "articles"])
TAG_BATCHES = dg.AssetKey(["nlp", "tag_batches"])
NLP_KEYS = {table: dg.AssetKey(table.split(".")) for table in NLP_TABLES}
MART_NAMES = (
    "articles", "sources", "actors", "claims", "events", "quantities", "figures",
    "figure_claims", "actor_links",
)  # fmt: skip
PUBLISHED = dg.AssetKey(["warehouse", "published"])
# One partition per batch of articles to tag, added by the inbox scan, removed once loaded.
TAG_BATCH_PARTITIONS = dg.DynamicPartitionsDefinition(name="tag_batches")


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
def inbox_scan(
    context: dg.AssetExecutionContext,
    inbox: Inbox,
    warehouse: Warehouse,
    nlp: NlpPipeline,
    tag_files: TagFiles,
):
    """Reads every file of the inbox that is new or changed since the last scan; the raw tables
    become exactly what the inbox holds. Then slices the articles that need tags into batches,
    each a file and a tag_batches partition."""
    scan = run_apart(
        lambda log: scan_inbox(inbox, warehouse, nlp, tag_files, log), context.log.info
    )
    for source_file, reason in scan.rejected:
        context.log.warning(f"rejected {source_file}: {reason}")
    context.log.info(
        f"{scan.documents} files: {scan.documents - len(scan.rejected)} ingested "
        f"({scan.unchanged} unchanged since the last scan, not read again), "
        f"{len(scan.rejected)} rejected; {scan.articles} stories"
    )
    register_tag_batches(context.instance, scan.batches.keys, dropped=scan.batches.dropped)
    yield dg.MaterializeResult(
        asset_key=RAW_DOCUMENTS,
        metadata={
            "dagster/row_count": scan.documents,
            "rejected": len(scan.rejected),
            "unchanged": scan.unchanged,
        },
    )
    yield dg.MaterializeResult(
        asset_key=RAW_ARTICLES,
        metadata={
            "dagster/row_count": scan.articles,
            "duplicates": scan.duplicates,
            "tag_batches": len(scan.batches.keys),
        },
    )


@dataclass(frozen=True)
class InboxScan:
    """What a scan of the inbox found, and the batches of articles it left to tag."""

    documents: int
    unchanged: int  # files not read again: the same size and modification time as last scan
    rejected: list[tuple[str, str]]  # (source_file, reason)
    articles: int
    duplicates: int
    batches: BatchPlan  # the batches left to tag, and those this scan dropped


def scan_inbox(
    inbox: Inbox,
    warehouse: Warehouse,
    nlp: NlpPipeline,
    tag_files: TagFiles,
    log: Callable[[str], None],
) -> InboxScan:
    """Makes the raw tables what the inbox holds and writes the batches left to tag."""
    reader = inbox.version()
    earlier = warehouse.scanned_files(reader)
    scanned = inbox.scan(progress=Progress(log, "files read"), earlier=earlier)
    warehouse.replace_inbox(
        scanned.documents, scanned.articles, reader, scanned.minhashes, stored=earlier
    )
    return InboxScan(
        documents=len(scanned.documents),
        unchanged=scanned.reused,
        rejected=[
            (d.source_file, d.reject_reason or "")
            for d in scanned.documents
            if d.status == "rejected"
        ],
        articles=len(scanned.articles),
        duplicates=sum(1 for a in scanned.articles if a.duplicate_of),
        batches=write_tag_batches(warehouse, nlp, tag_files, log),
    )


def write_tag_batches(
    warehouse: Warehouse, nlp: NlpPipeline, tag_files: TagFiles, log: Callable[[str], None]
) -> BatchPlan:
    """Writes a batch file for every slice of the articles that need tags; batches planned
    before and still wanted are kept, the others removed. Returns the plan."""
    version = nlp.version()
    forgotten = warehouse.forget_stale_tags(version)
    if forgotten:
        log(f"dropped the tags of {forgotten} articles that changed, left, or predate {version}")
    pending = warehouse.untagged_article_ids()
    tag_files.remove_abandoned()
    existing = {key: batch.article_ids for key, batch in tag_files.batches().items()}
    # Owned by the tagging folder: another warehouse on the same Dagster instance plans other
    # keys for the same articles, so loading its batches never deletes these partitions.
    plan = plan_batches(
        pending, existing, tagger_version=version, size=tag_files.batch_articles,
        owner=str(Path(tag_files.path).resolve()),
    )
    tag_files.remove(plan.dropped)
    texts = {a.article_id: a for a in warehouse.article_texts(
        [article_id for ids in plan.new.values() for article_id in ids]
    )}
    for key, ids in plan.new.items():
        tag_files.write_batch(key, version, [texts[article_id] for article_id in ids])
    if pending:
        log(
            f"{len(pending)} articles to tag with {version}: {len(plan.keys)} batches of up to "
            f"{tag_files.batch_articles} ({len(plan.kept)} planned before)"
        )
    else:
        log("no new articles: nothing to tag")
    return plan


def register_tag_batches(
    instance: dg.DagsterInstance, keys: Sequence[str], *, dropped: Sequence[str]
) -> None:
    """Adds the partitions of the batches to tag and deletes those of the batches this scan
    dropped. The partitions of other batches stay: warehouses that share a Dagster instance
    share its tag_batches partitions, and another warehouse's batches may be waiting."""
    registered = set(instance.get_dynamic_partitions(TAG_BATCH_PARTITIONS.name))
    instance.add_dynamic_partitions(
        TAG_BATCH_PARTITIONS.name, [key for key in keys if key not in registered]
    )
    for key in registered.intersection(dropped).difference(keys):
        instance.delete_dynamic_partition(TAG_BATCH_PARTITIONS.name, key)


@dg.asset(
    key=TAG_BATCHES,
    deps=[RAW_ARTICLES],
    group_name="nlp",
    kinds={"python", "spacy", "parquet"},
)
def tag_batches(context: dg.AssetExecutionContext, tag_files: TagFiles, nlp: NlpPipeline):
    """One folder of tag files per batch of articles that need tags (a tag_batches partition),
    written by a tag worker and emptied when the nlp tables load it. This step tags every batch
    that no tag_batch run has tagged yet, in the processes of all tag workers: `make run` leaves
    it a lone batch, which nothing else tags beside it."""
    tagged = tag_batch_files(
        tag_files, nlp, tag_files.untagged(), context.log.info, workers=nlp.workers
    )
    return dg.MaterializeResult(metadata={"articles_tagged": tagged})


@dg.op(
    description="Tags the articles of one batch (its partition key) into tag files. Holds no "
    "writer slot: batches run side by side, in processes, pods or Celery workers.",
    out=dg.Out(dg.Nothing),
)
def tag_one_batch(context: dg.OpExecutionContext, tag_files: TagFiles, nlp: NlpPipeline):
    tagged = tag_batch_files(tag_files, nlp, [context.partition_key], context.log.info)
    context.log_event(dg.AssetMaterialization(
        TAG_BATCHES, metadata={"batch": context.partition_key, "articles_tagged": tagged}
    ))


def tag_batch_files(
    tag_files: TagFiles,
    nlp: NlpPipeline,
    keys: Sequence[str],
    log: Callable[[str], None],
    *,
    workers: int = 1,
) -> int:
    """Tags the articles of these batches into their tag files, in the spaCy processes of
    `workers` tag workers; returns how many it tagged."""
    found = tag_files.batches()
    batches = [found[key] for key in keys if key in found and not found[key].tagged]
    total = sum(len(batch.article_ids) for batch in batches)
    if not total:
        log("every batch is tagged: nothing to tag")
        return 0
    processes = nlp.processes * workers
    # Small enough that a few articles still give every process some.
    batch_size = max(1, min(nlp.batch_size, -(-total // processes)))
    side_by_side = f", {processes} processes side by side" if processes > 1 else ""
    log(f"tagging {total} articles in {len(batches)} batches{side_by_side}")
    started, done = time.monotonic(), 0
    for batch in batches:
        tagged = []
        articles = tag_files.read_articles(batch.key)
        for tags in nlp.tag(articles, processes=processes, batch_size=batch_size):
            tagged.append(tags)
            done += 1
            if done % batch_size == 0 or len(tagged) == len(batch.article_ids):
                elapsed = time.monotonic() - started
                rate = done / elapsed if elapsed else float("inf")
                log(
                    f"tagged {done}/{total} articles ({rate:.1f}/s, "
                    f"ETA {(total - done) / rate:.0f}s)"
                )
        if not tag_files.write_tags(batch.key, tagged):
            log(f"batch {batch.key} was tagged or withdrawn meanwhile: its tags are not needed")
    return done


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            deps=[TAG_BATCHES],
            description=description,
            group_name="nlp",
            kinds={"python", "duckdb"},
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
def nlp_tags(context: dg.AssetExecutionContext, warehouse: Warehouse, tag_files: TagFiles):
    """Loads every tagged batch in one transaction, then deletes its files and partition;
    articles tagged before by the same code keep their tags."""
    counts, loaded = run_apart(
        lambda log: load_tag_batches(warehouse, tag_files, log), context.log.info
    )
    for key in loaded:
        context.instance.delete_dynamic_partition(TAG_BATCH_PARTITIONS.name, key)
    totals = warehouse.row_counts(NLP_TABLES)
    for table, key in NLP_KEYS.items():
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={"dagster/row_count": totals[table], "new_rows": counts.get(table, 0)},
        )


def load_tag_batches(
    warehouse: Warehouse, tag_files: TagFiles, log: Callable[[str], None]
) -> tuple[dict[str, int], list[str]]:
    """Loads every batch, whole, and deletes its files; fails, loading nothing, while a batch
    still waits for tags. Returns the rows added to each table and the batches loaded."""
    batches = tag_files.batches()
    untagged = [key for key, batch in batches.items() if not batch.tagged]
    if untagged:
        raise dg.Failure(
            f"{len(untagged)} of {len(batches)} tag batches have no tags yet "
            f"({', '.join(untagged[:3])}{', …' if len(untagged) > 3 else ''}): materialize "
            "nlp/tag_batches, or run the tag_batch job for those partitions, then load again"
        )
    counts = warehouse.load_tags(batches.values())
    tag_files.remove(batches)
    articles = sum(len(batch.article_ids) for batch in batches.values())
    log(f"loaded {len(batches)} tag batches ({articles} articles): {counts}")
    return counts, list(batches)


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
