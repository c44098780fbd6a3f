"""Runs whose process died (killed, out of memory, machine restarted) must not hold the pool."""

import dagster as dg
from dagster._core.events import DagsterEventType

from orchestration.apart import process_exists

UNFINISHED = [
    dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED,
]
# The process that creates a run and executes it in place (`newsledger run` and its tag workers)
# records itself here, since a run killed before it started has no other trace of its process.
PROCESS_TAG = "newsledger/pid"


def fail_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Marks unfinished runs of this machine whose process is gone as failed and frees their
    writer-pool slots; returns their run ids."""
    recovered = []
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=UNFINISHED)):
        run = record.dagster_run
        pid = _run_pid(instance, run.run_id) or _tagged_pid(run)
        if pid is None or process_exists(pid):
            continue
        instance.report_run_failed(run, f"the process of this run (pid {pid}) is gone")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        recovered.append(run.run_id)
    return recovered


def _run_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    starts = instance.get_records_for_run(run_id, of_type=DagsterEventType.RUN_START, limit=1)
    for record in starts.records:
        event = record.event_log_entry.dagster_event
        if event is not None and event.pid is not None:
            return event.pid
    return None


def _tagged_pid(run: dg.DagsterRun) -> int | None:
    tagged = run.tags.get(PROCESS_TAG, "")
    return int(tagged) if tagged.isdigit() else None
