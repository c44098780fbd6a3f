"""The refresh job, its schedule, and the sensor that watches the inbox."""

import hashlib
import json
import os
from pathlib import Path

import dagster as dg

refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all(),
    description="Ingest the inbox, tag new articles, rebuild the marts, run every check, publish.",
    # The multiprocess executor re-imports the code for every step (63 s instead of 11 s for a
    # small run on 2 cores); the writer pool serializes the steps anyway.
    executor_def=dg.in_process_executor,
)


def refresh_schedule(cron: str, *, running: bool = True) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="refresh_schedule",
        job=refresh_job,
        cron_schedule=cron,
        default_status=(
            dg.DefaultScheduleStatus.RUNNING if running else dg.DefaultScheduleStatus.STOPPED
        ),
        description="Refreshes the whole warehouse (NEWSLEDGER_REFRESH_CRON, daily by default).",
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
        job=refresh_job,
        minimum_interval_seconds=30,
        default_status=(
            dg.DefaultSensorStatus.RUNNING if running else dg.DefaultSensorStatus.STOPPED
        ),
        description=f"Starts a refresh when files in {inbox} are added, changed or removed.",
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
