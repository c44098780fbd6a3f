import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg

from orchestration.apart import process_exists
from orchestration.recovery import PROCESS_TAG, fail_dead_runs


def test_this_process_exists() -> None:
    assert process_exists(os.getpid())


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_reaped_process_does_not_exist() -> None:
    assert not process_exists(dead_pid())


def test_a_zombie_does_not_exist() -> None:
    # Not waited for, the ended child stays a zombie, as orphans do under a first process that
    # reaps nothing.
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 30
    stat = Path(f"/proc/{child.pid}/stat")
    while stat.read_text().rpartition(")")[2].split()[0] != "Z":
        assert time.monotonic() < deadline, "the child did not end"
        time.sleep(0.05)
    try:
        assert not process_exists(child.pid)
    finally:
        child.wait()


def test_a_running_child_exists() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert process_exists(child.pid)
    finally:
        child.kill()
        child.wait()


@dg.op
def noop() -> None:
    pass


@dg.job
def one_step() -> None:
    noop()


def test_a_run_created_by_a_process_now_gone_and_never_started_is_marked_failed() -> None:
    with dg.DagsterInstance.ephemeral() as instance:
        orphan = instance.create_run_for_job(one_step, tags={PROCESS_TAG: str(dead_pid())})
        alive = instance.create_run_for_job(one_step, tags={PROCESS_TAG: str(os.getpid())})
        queued_elsewhere = instance.create_run_for_job(one_step)

        assert fail_dead_runs(instance) == [orphan.run_id]
        status = {run_id: instance.get_run_by_id(run_id).status
                  for run_id in (orphan.run_id, alive.run_id, queued_elsewhere.run_id)}
        assert status == {
            orphan.run_id: dg.DagsterRunStatus.FAILURE,
            alive.run_id: dg.DagsterRunStatus.NOT_STARTED,
            queued_elsewhere.run_id: dg.DagsterRunStatus.NOT_STARTED,
        }
