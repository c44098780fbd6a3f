"""Memory-heavy steps run in a child forked from the run's process.

What a step reads (every file of the inbox, a whole table for its checks) stays in the heap of
the process that read it after it is freed: Python and pandas give little back to the system.
In the run's process it would stay there for the rest of the run, dbt's build included, and grow
with the corpus. A forked child starts with everything this process has imported, hands back its
result and log lines only, and gives all of its memory back when it ends.
"""

from __future__ import annotations

import gc
import importlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import pickle
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TypeVar

_T = TypeVar("_T")


class ChildProcessDiedError(RuntimeError):
    """The child ended without a result: killed, out of memory, or crashed in native code."""


def run_apart(
    work: Callable[[Callable[[str], None]], _T],
    log: Callable[[str], None] = lambda _: None,
    *,
    meanwhile: Callable[[], object] = lambda: None,
    context: BaseContext | None = None,
) -> _T:
    """`work(log)`, run in a forked child: its result or its exception, here.

    The lines the child logs are passed on to `log` as they come; `meanwhile()` runs here while
    the child works. Where processes cannot be forked, `work` runs here. The child is forked
    from this process, or through `context` (a fork server's: `work` must then pickle).
    """
    [result] = run_each_apart([work], log, meanwhile=meanwhile, context=context)
    return result


def run_each_apart(
    works: Sequence[Callable[[Callable[[str], None]], _T]],
    log: Callable[[str], None] = lambda _: None,
    *,
    at_once: int = 1,
    meanwhile: Callable[[], object] = lambda: None,
    context: BaseContext | None = None,
) -> list[_T]:
    """Each `work(log)` in a forked child of its own, `at_once` children at a time: their
    results in order, or the first exception raised in one, here (the others are then stopped).
    `meanwhile()` runs here once the first children have started; their log lines wait for it.
    The children are forked from this process, or through `context` as in `run_apart`.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        results = [work(log) for work in works]
        meanwhile()
        return results
    results: list[_T] = [None] * len(works)  # type: ignore[list-item]
    waiting = list(enumerate(works))
    running: dict[Connection, _Child] = {}

    def start_waiting() -> None:
        while waiting and len(running) < at_once:
            child = _Child(*waiting.pop(0), context or multiprocessing.get_context("fork"))
            running[child.receiver] = child

    try:
        start_waiting()
        meanwhile()
        while running:
            for receiver in multiprocessing.connection.wait(list(running)):
                child = running[receiver]
                finished, value = child.receive(log)
                if finished:
                    results[child.position] = value
                    del running[receiver]
                    child.close()
            start_waiting()
    finally:
        for child in running.values():
            child.close()
    return results


class _Child:
    """One work in a forked child, and the pipe its messages come through."""

    def __init__(
        self,
        position: int,
        work: Callable[[Callable[[str], None]], object],
        context: BaseContext,
    ) -> None:
        self.position = position
        self.receiver, sender = context.Pipe(duplex=False)
        # Not a daemon, so that its work may start processes of its own (the inbox scan's
        # readers); `close` and `exit_with_parent` see that it does not outlive this process.
        self.process = context.Process(target=_child, args=(work, sender))
        try:
            self.process.start()
        except (EOFError, ConnectionError) as error:  # a fork server that died as it forked
            self.receiver.close()
            raise ChildProcessDiedError(
                "the fork server that starts this step's child processes ended before it started "
                "one: killed, or out of memory (the next step starts another)"
            ) from error
        finally:
            sender.close()

    def receive(self, log: Callable[[str], None]) -> tuple[bool, object]:
        """The next message: (False, None) for a log line, passed on to `log`; (True, result)
        at the end; the child's exception raised here."""
        try:
            kind, value = self.receiver.recv()
        except EOFError:  # the child's end closed without a result: it died
            self.process.join()
            raise _died(self.process.exitcode) from None
        if kind == "log":
            log(value)
            return False, None
        self.process.join()
        if kind == "error":
            error, remote_traceback = value
            raise error from ChildProcessError(remote_traceback)
        return True, value

    def close(self) -> None:
        self.receiver.close()
        if self.process.is_alive():  # this process was interrupted: the child's work is not wanted
            self.process.kill()
            self.process.join()


def _died(exitcode: int | None) -> ChildProcessDiedError:
    return ChildProcessDiedError(
        f"the child process doing this step died (exit code {exitcode}) before it finished: "
        "out of memory, or killed"
    )


def exit_with_parent(parent: int) -> None:
    """Ends this process soon after its parent dies (say, a SIGKILLed `make run`), rather than
    leaving it to work, and hold the warehouse, for nobody."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def process_exists(pid: int) -> bool:
    """Whether a process with this id runs on this machine. A zombie does not: in a container
    whose first process reaps no orphans, a dead run's process stays one until the machine stops."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # The state follows the command name, which is in parentheses and may itself hold spaces.
    return stat.rpartition(")")[2].split()[0] in ("Z", "X")


@contextmanager
def importing_meanwhile(modules: Sequence[str]) -> Iterator[None]:
    """Imports `modules` in a thread while the block runs, for a step that mostly waits (on a
    subprocess) to spend on what a later step needs. The block ends only once the imports have:
    a process forked halfway through an import could wait forever for its lock."""

    def load() -> None:
        for module in modules:
            with suppress(ImportError):  # the step that needs it says so, then
                importlib.import_module(module)

    thread = threading.Thread(target=load, name="importing-meanwhile", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()


def _child(work: Callable[[Callable[[str], None]], object], sender: Connection) -> None:
    # What the child inherits it only reads: a garbage collection would walk all of it, and
    # copy each page it touches.
    gc.freeze()
    exit_with_parent(os.getppid())
    _leave_run_logging()
    try:
        message = ("result", work(lambda line: sender.send(("log", line))))
    except BaseException as error:  # noqa: BLE001 - handed to the parent, which raises it
        message = ("error", (_portable(error), traceback.format_exc()))
    sender.send(message)
    sender.close()


def _portable(error: BaseException) -> BaseException:
    """`error`, or in its place a RuntimeError saying the same, if it would not survive the
    trip through a pipe (an exception whose constructor wants other arguments)."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001 - whatever pickle raises
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def _leave_run_logging() -> None:
    """The run's log handlers write to its event store through this process's connections,
    which the child must not use: the child's own warnings go to stderr instead."""
    for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        if isinstance(logger, logging.Logger):
            logger.handlers.clear()
