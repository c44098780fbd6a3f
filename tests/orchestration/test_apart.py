"""Steps run in a forked child: result, log lines and errors come back; memory does not stay."""

from __future__ import annotations

import gc
import multiprocessing
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from orchestration.apart import (
    ChildProcessDiedError,
    importing_meanwhile,
    process_exists,
    run_apart,
    run_each_apart,
)
from orchestration.database import WarehouseLockedError
from orchestration.settings import PROJECT_ROOT


def _own_pid(_: int) -> int:
    return os.getpid()


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_the_result_and_the_log_lines_come_back_in_order() -> None:
    parent = os.getpid()

    def work(log):
        for n in range(3):
            log(f"line {n}")
        return {"pid": os.getpid(), "rows": [1, 2, 3]}

    lines: list[str] = []
    result = run_apart(work, lines.append)
    assert lines == ["line 0", "line 1", "line 2"]
    assert result["rows"] == [1, 2, 3]
    assert result["pid"] != parent


def test_meanwhile_runs_here_while_the_children_work(tmp_path) -> None:
    started_here = tmp_path / "meanwhile"

    def work(_):
        deadline = time.monotonic() + 30
        while not started_here.exists():  # what this process does meanwhile, seen from a child
            assert time.monotonic() < deadline, "meanwhile did not run while the child worked"
            time.sleep(0.01)
        return os.getpid()

    ran_in: list[int] = []

    def meanwhile() -> None:
        ran_in.append(os.getpid())
        started_here.touch()

    children = run_each_apart([work, work], at_once=2, meanwhile=meanwhile)
    assert ran_in == [os.getpid()]
    assert os.getpid() not in children


def test_the_childs_exception_is_raised_here_with_its_type_and_traceback() -> None:
    def work(log):
        raise WarehouseLockedError("build.duckdb is locked by another process after 3 retries")

    with pytest.raises(WarehouseLockedError, match="after 3 retries") as raised:
        run_apart(work)
    assert "raise WarehouseLockedError" in str(raised.value.__cause__)


class _NeedsTwoArguments(Exception):
    def __init__(self, what: str, why: str):
        super().__init__(f"{what}: {why}")


def test_an_exception_that_cannot_be_rebuilt_here_is_told_as_a_runtime_error() -> None:
    def work(log):
        raise _NeedsTwoArguments("the table", "is gone")

    with pytest.raises(RuntimeError, match="_NeedsTwoArguments: the table: is gone"):
        run_apart(work)


def test_a_child_that_dies_is_reported_with_its_exit_code() -> None:
    def work(log):
        log("started")
        os._exit(3)

    lines: list[str] = []
    with pytest.raises(ChildProcessDiedError, match=r"exit code 3"):
        run_apart(work, lines.append)
    assert lines == ["started"]


_CACHE: list[str] = []  # a long-lived cache, as a step's caches are


def test_what_the_child_allocates_does_not_stay_here() -> None:
    def work(log):
        objects = [str(n) * 3 for n in range(3_000_000)]  # ~200 MB of small strings
        _CACHE.extend(objects[::64])  # a few survivors pin the heap they sit in
        return len(_CACHE)

    before = _rss_bytes()
    assert run_apart(work) == 46_875
    assert _rss_bytes() - before < 50 * 2**20  # in this process: over 200 MB more
    assert _CACHE == []


def test_the_child_leaves_what_it_inherits_out_of_garbage_collection() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    assert run_apart(lambda _: gc.get_freeze_count()) > 0
    assert gc.get_freeze_count() == 0


def test_the_child_ends_soon_after_its_parent_is_killed(tmp_path) -> None:
    child_pid_file = tmp_path / "child.pid"
    parent = subprocess.Popen([sys.executable, "-c", (
        "import os, time, pathlib\n"
        "from orchestration.apart import run_apart\n"
        "def work(log):\n"
        f"    pathlib.Path({str(child_pid_file)!r}).write_text(str(os.getpid()))\n"
        "    time.sleep(600)\n"
        "run_apart(work)\n"
    )], cwd=PROJECT_ROOT)
    try:
        deadline = time.monotonic() + 60
        while not child_pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        child = int(child_pid_file.read_text())
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 10
        while process_exists(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not process_exists(child)
    finally:
        parent.kill()


def test_each_work_has_a_child_of_its_own_and_the_results_come_back_in_order() -> None:
    results = run_each_apart(
        [lambda log, n=n: (n, os.getpid()) for n in range(5)], at_once=2
    )
    assert [n for n, _ in results] == [0, 1, 2, 3, 4]
    assert len({pid for _, pid in results} - {os.getpid()}) == 5


def test_no_more_children_than_at_once_work_together(tmp_path) -> None:
    def work(log, n: int) -> int:
        marker = tmp_path / f"{n}.working"
        marker.touch()
        time.sleep(0.5)
        together = len(list(tmp_path.glob("*.working")))
        marker.unlink()
        return together

    together = run_each_apart([lambda log, n=n: work(log, n) for n in range(5)], at_once=2)
    assert max(together) == 2


def test_an_error_in_one_child_is_raised_here_and_stops_the_others(tmp_path) -> None:
    def slow(log):
        (tmp_path / "slow.pid").write_text(str(os.getpid()))
        time.sleep(30)

    def failing(log):
        while not (tmp_path / "slow.pid").exists():
            time.sleep(0.05)
        raise ValueError("no expectation suite for 'nlp.tagged_articles'")

    started = time.monotonic()
    with pytest.raises(ValueError, match="no expectation suite"):
        run_each_apart([slow, failing], at_once=2)
    assert time.monotonic() - started < 10
    assert not process_exists(int((tmp_path / "slow.pid").read_text()))


def test_a_childs_work_may_start_processes_of_its_own() -> None:
    def work(log):
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
            return sorted(pool.map(_own_pid, range(4)))

    assert os.getpid() not in run_apart(work)


def test_modules_import_while_the_block_runs_and_are_loaded_when_it_ends(
    tmp_path, monkeypatch
) -> None:
    block_ran = tmp_path / "block_ran"
    (tmp_path / "waits_for_the_block.py").write_text(
        "import time\n"
        "from pathlib import Path\n"
        "deadline = time.monotonic() + 30\n"
        f"while not Path({str(block_ran)!r}).exists():\n"
        "    assert time.monotonic() < deadline, 'the import did not run beside the block'\n"
        "    time.sleep(0.01)\n"
        "DONE = True\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with importing_meanwhile(["no_such_module_anywhere", "waits_for_the_block"]):
        block_ran.touch()
    assert sys.modules["waits_for_the_block"].DONE
    monkeypatch.delitem(sys.modules, "waits_for_the_block")
