"""The jobs of a refresh, the schedule and inbox sensor that start one, and the sensor that
carries it on: ingest -> one tag_batch run per new batch, side by side -> load."""

import hashlib
import json
import os
from pathlib import Path

import dagster as dg

from orchestration.assets import RAW_ARTICLES, RAW_DOCUMENTS, TAG_BATCH_PARTITIONS, tag_one_batch
from orchestration.tag_files import TagFiles

# dagster.yaml lets one run with this tag in progress at a time: ingest and load runs take turns
# whole, while tag_batch runs (which never open the warehouse) run beside them and each other.
WRITES_WAREHOUSE = {"newsledger/writes": "warehouse"}
# Runs that `newsledger run` starts and finishes itself; the tagging sensor leaves them alone.
STARTED_BY_CLI = {"newsledger/started_by": "cli"}
RAW_ASSETS = dg.AssetSelection.assets(RAW_DOCUMENTS, RAW_ARTICLES)

ingest_job = dg.define_asset_job(
    "ingest",
    selection=RAW_ASSETS,
    description="Scan the inbox into the raw tables and plan the batches of articles to tag.",
    tags=WRITES_WAREHOUSE,
    # The multiprocess executor re-imports the code for every step (63 s instead of 11 s for a
    # small run on 2 cores); the writer pool serializes these steps anyway.
    executor_def=dg.in_process_executor,
)
load_job = dg.define_asset_job(
    "load",
    selection=dg.AssetSelection.all() - RAW_ASSETS,
    description="Load the tagged batches, rebuild the marts, run every check, publish "
    "(tagging in this run whatever batch no tag_batch run has tagged).",
    tags=WRITES_WAREHOUSE,
    executor_def=dg.in_process_executor,
)


@dg.job(
    name="tag_batch",
    partitions_def=TAG_BATCH_PARTITIONS,
    description="Tag one batch of articles into files; a backfill of its partitions fans out "
    "over the run launcher (processes here, pods on Kubernetes).",
)
def tag_batch_job():
    tag_one_batch()


def refresh_schedule(cron: str, *, running: bool = True) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="refresh_schedule",
        job=ingest_job,
        cron_schedule=cron,
        default_status=(
            dg.DefaultScheduleStatus.RUNNING if running else dg.DefaultScheduleStatus.STOPPED
        ),
        description="Starts a refresh (NEWSLEDGER_REFRESH_CRON, daily by default): ingest; "
        "tagging_sensor carries it on.",
    )


def inbox_state(inbox: Path) -> dict[str, list[int]]:
    """(mtime in ns, size) of every visible file under the inbox, by relative path."""
    state = {}
    if not inbox.is_dir():
        return state
    for root, dirs, files in os.walk(inbox):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root, name)
            try:
                stat = path.lstat()
            except OSError:
                continue
            state[path.relative_to(inbox).as_posix()] = [stat.st_mtime_ns, stat.st_size]
    return state


def inbox_sensor(inbox: Path, *, running: bool = True) -> dg.SensorDefinition:
    @dg.sensor(
        name="inbox_sensor",
        job=ingest_job,
        minimum_interval_seconds=30,
        default_status=(
            dg.DefaultSensorStatus.RUNNING if running else dg.DefaultSensorStatus.STOPPED
        ),
        description=f"Starts a refresh (ingest) when files in {inbox} are added, changed or "
        "removed; tagging_sensor carries it on.",
    )
    def watch_inbox(context: dg.SensorEvaluationContext):
        state = inbox_state(inbox)
        fingerprint = hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()
        if fingerprint == context.cursor:
            return dg.SkipReason(f"no change in {inbox} ({len(state)} files)")
        previous = context.cursor
        context.update_cursor(fingerprint)
        if previous is None and not state:
            return dg.SkipReason(f"{inbox} is empty")
        return dg.RunRequest(run_key=fingerprint)

    return watch_inbox


def tagging_sensor(*, running: bool = True) -> dg.SensorDefinition:
    @dg.sensor(
        name="tagging_sensor",
        jobs=[tag_batch_job, load_job],
        minimum_interval_seconds=30,
        default_status=(
            dg.DefaultSensorStatus.RUNNING if running else dg.DefaultSensorStatus.STOPPED
        ),
        description="Carries a refresh on after ingest: one tag_batch run per batch without "
        "tags, then, once every batch is tagged, one load run per successful ingest run.",
    )
    def carry_on(context: dg.SensorEvaluationContext, tag_files: TagFiles):
        registered = set(context.instance.get_dynamic_partitions(TAG_BATCH_PARTITIONS.name))
        untagged = [key for key in tag_files.untagged() if key in registered]
        if untagged:
            # A run key per batch: a batch is launched once; a failed one is re-executed by hand.
            return [
                dg.RunRequest(job_name="tag_batch", partition_key=key, run_key=f"tag_batch:{key}")
                for key in untagged
            ]
        ingests = context.instance.get_runs(
            filters=dg.RunsFilter(job_name="ingest", statuses=[dg.DagsterRunStatus.SUCCESS]),
            limit=1,
        )
        if not ingests:
            return dg.SkipReason("no ingest run has succeeded yet")
        ingest = ingests[0]
        if ingest.tags.get("newsledger/started_by") == STARTED_BY_CLI["newsledger/started_by"]:
            return dg.SkipReason(f"ingest run {ingest.run_id} belongs to `newsledger run`")
        return dg.RunRequest(job_name="load", run_key=f"load_after:{ingest.run_id}")

    return carry_on
