"""dbt started before it is needed.

A dbt command spends about 1.5 s importing dbt and its adapter before it reads the project, and
about 0.8 s more building what validates and reads it. A run that builds the dbt assets starts a
process that does all that while the steps before the build run (`build_validation_schemas`,
`generate_artifact_codecs`), then waits on a socket (`WarmDbt`). The `newsledger-dbt` command,
which the dbt resource runs in place of `dbt`, hands that process its arguments, folder,
environment, stdin, stdout and stderr; the process runs the command as `dbt` would and ends (a
second interrupt ends it at once: `Interrupts`). `newsledger-dbt` returns once it has ended, with
dbt's exit status: the build database is closed by then, as after `dbt` itself.
Without a waiting process (none started, or it is gone or taken), `newsledger-dbt` runs dbt
itself, as that process would.

dbt run either way differs from `dbt` in two ways. It takes the nodes ready to run longest chain
first (`longest_chain_scores`), where dbt takes them by their depth in the graph and then by name,
and only when a thread is free to run them (`one_node_per_free_thread`): the nodes on the longest
chain of the graph, timed by the last build into the same target folder, no longer wait behind
others that nothing waits for. And it reuses a parse of the project made for another build
database (`reuse_parses_across_build_databases`).

This module imports only the standard library: `newsledger-dbt` starts in milliseconds.
"""

import graphlib
import json
import os
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import NoReturn

SOCKET_ENV = "NEWSLEDGER_WARM_DBT_SOCKET"
# What a build imports after dbt's command line: the adapter, the build task and the parser.
PRELOADED_MODULES = (
    "dbt.cli.main",
    "dbt.adapters.duckdb",
    "dbt.task.build",
    "dbt.parser.manifest",
)
# What every dbt command validates its project, profile and flags against: each class builds its
# JSON schema once per process, about 0.6 s in all, which the waiting process does ahead.
VALIDATED_CLASSES = (
    "dbt.contracts.project:ProjectFlags",
    "dbt.contracts.project:Project",
    "dbt.contracts.project:PackageConfig",
    "dbt.contracts.project:ProfileConfig",
    "dbt.contracts.project:Configuration",
    "dbt.contracts.selection:SelectorFile",
    "dbt.adapters.duckdb.credentials:DuckDBCredentials",
)
# The run results of the last build, kept in its target folder when the next one starts: the
# seconds each node took there weigh the chains of the next (`last_node_seconds`).
LAST_RUN_RESULTS_FILE = "last_run_results.json"
_SOCKET_NAME = "dbt.sock"
_STARTED = b"started "
_LENGTH = struct.Struct("!I")


class WarmDbt:
    """A process that has imported dbt and waits for one `newsledger-dbt` command."""

    def __init__(self, process: subprocess.Popen, folder: Path) -> None:
        self.process = process
        self.folder = folder

    @property
    def socket_path(self) -> str:
        return str(self.folder / _SOCKET_NAME)

    @classmethod
    def start(cls, parse: Path | None = None) -> "WarmDbt":
        """The socket is made here, so that a command can connect as soon as this returns.
        `parse`: a partial parse of the project, read ahead (`generate_artifact_codecs`)."""
        folder = Path(tempfile.mkdtemp(prefix="newsledger-dbt-"))
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
                listener.bind(str(folder / _SOCKET_NAME))
                listener.listen(1)
                process = subprocess.Popen(
                    [sys.executable, "-m", "orchestration.warm_dbt", str(listener.fileno()),
                     str(os.getpid()), str(parse or "")],
                    stdin=subprocess.DEVNULL,
                    pass_fds=[listener.fileno()],
                )  # fmt: skip
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return cls(process, folder)

    def stop(self) -> None:
        """Ends the process if no command took it (it removes its socket when one does), and
        removes its folder; a command it runs runs to its end, as `dbt` would."""
        if os.path.exists(self.socket_path):
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        else:
            self.process.poll()
        shutil.rmtree(self.folder, ignore_errors=True)


def serve(listening: int, parent: int, parse: str) -> NoReturn:
    """The waiting process, on the socket `WarmDbt.start` made: a command may connect while
    dbt imports."""
    listener = socket.socket(fileno=listening)
    from orchestration.apart import exit_with_parent

    exit_with_parent(parent)
    for module in PRELOADED_MODULES:
        __import__(module)
    build_validation_schemas()
    if parse:
        generate_artifact_codecs(Path(parse))
    caller, _ = listener.accept()
    os.unlink(listener.getsockname())  # taken: a second command runs dbt itself
    listener.close()
    request, streams = _receive(caller)
    sys.stdout.flush()  # what the imports printed goes where this process was started
    sys.stderr.flush()
    for target, stream in enumerate(streams):
        os.dup2(stream, target)
        os.close(stream)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = ["dbt", *request["args"]]
    caller.sendall(_STARTED + f"{os.getpid()}\n".encode())
    interrupts = Interrupts(caller)
    _interrupt_when_gone(caller)
    code = _run_dbt(request["args"])
    interrupts.answer(code)
    # After an interrupt, a query that dbt's cancel missed may still run: the database stays as
    # the commits left it, which DuckDB's log replays at the next open.
    if not interrupts.interrupted:
        close_duckdb_databases()
    # The command learns that this process has ended when the kernel closes the socket at exit.
    # The interpreter's teardown (about 0.25 s of unloading dbt) is skipped: nothing is left open.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def close_duckdb_databases() -> None:
    """Closes the DuckDB databases dbt-duckdb keeps open until the process ends, writing what
    their logs hold into the files (a checkpoint), as the end of the process would."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    DuckDBConnectionManager.close_all_connections()


def build_validation_schemas() -> None:
    """The JSON schemas of `VALIDATED_CLASSES`, built into their classes' caches."""
    import importlib

    for name in VALIDATED_CLASSES:
        module, _, cls = name.partition(":")
        getattr(importlib.import_module(module), cls).json_schema()


def generate_artifact_codecs(parse: Path) -> None:
    """dbt reads its parse of the project (msgpack) and writes manifest.json through functions
    that mashumaro generates for each class the first time it is read or written, about 0.2 s of
    every dbt command before its first node. Reading `parse` and turning it into manifest.json's
    dictionary generates them ahead. An unreadable parse is left to the command."""
    from argparse import Namespace

    from dbt.contracts.graph.manifest import Manifest
    from dbt.flags import get_flags, set_flags
    from dbt.parser.manifest import extended_mashumuro_decoder

    try:
        manifest = Manifest.from_msgpack(parse.read_bytes(), decoder=extended_mashumuro_decoder)
    except Exception:
        return
    flags = get_flags()
    set_flags(Namespace(SEND_ANONYMOUS_USAGE_STATS=False))  # what writable_manifest reads of them
    try:
        manifest.writable_manifest().to_dict(omit_none=False, context={"artifact": True})
    finally:
        set_flags(flags)


def longest_chain_scores(
    successors: Mapping[str, Collection[str]], seconds: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Each node's score in dbt's queue, where the lowest of the nodes ready runs first: minus
    the length of the longest chain that starts with it. A chain is as long as its nodes' `seconds`
    add up to (a node not in them counts as the median of those that are), or without `seconds`
    as its number of nodes."""
    typical = statistics.median(seconds.values()) if seconds else 1.0
    longest: dict[str, float] = {}
    # Given each node's successors as its dependencies, the sorter yields successors first.
    for node in graphlib.TopologicalSorter(successors).static_order():
        after = max((longest[child] for child in successors.get(node, ())), default=0.0)
        longest[node] = (seconds.get(node, typical) if seconds else 1.0) + after
    return {node: -chain for node, chain in longest.items()}


def last_node_seconds(target_path: str | None) -> dict[str, float]:
    """The seconds each node took in the last build into `target_path` (its
    `LAST_RUN_RESULTS_FILE`); none where there is no such build or its results are unreadable."""
    if not target_path:
        return {}
    try:
        results = json.loads((Path(target_path) / LAST_RUN_RESULTS_FILE).read_bytes())["results"]
        return {result["unique_id"]: float(result["execution_time"]) for result in results}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def take_longest_chains_first() -> None:
    """dbt's queue, in this process, scored by `longest_chain_scores` with the seconds of the
    last build into the command's target folder; and a node taken from it only once a thread is
    free to run it (`one_node_per_free_thread`)."""
    from dbt.flags import get_flags
    from dbt.graph.queue import GraphQueue
    from dbt.task.runnable import GraphRunnableTask

    def scores(queue: GraphQueue, graph) -> dict[str, float]:
        seconds = last_node_seconds(getattr(get_flags(), "TARGET_PATH", None))
        return longest_chain_scores({node: list(graph.successors(node)) for node in graph}, seconds)

    run_queue = GraphRunnableTask.run_queue

    def run_queue_on_free_threads(task: GraphRunnableTask, pool) -> None:
        task.job_queue.get = one_node_per_free_thread(task.job_queue, task.config.threads)
        return run_queue(task, pool)

    GraphQueue._get_scores = scores
    GraphRunnableTask.run_queue = run_queue_on_free_threads


def one_node_per_free_thread(queue, threads: int):
    """`queue.get` that first waits until fewer than `threads` of its nodes are in progress.
    dbt takes every node as soon as it is ready and hands it to its thread pool, which runs what
    it was handed in order: a node on the longest chain that becomes ready a moment later would
    wait there behind all of them."""
    get = queue.get

    def get_when_a_thread_is_free(block: bool = True, timeout: float | None = None):
        with queue.lock:
            while len(queue.in_progress) >= max(threads, 1):
                queue.some_task_done.wait()
        return get(block=block, timeout=timeout)

    return get_when_a_thread_is_free


def reuse_parses_across_build_databases() -> None:
    """dbt reuses its parse of the project only under the profile settings the parse was made
    with, the path of the database file among them, though no part of the project reads it: the
    first build of every warehouse would parse the whole project (about 5 CPU-s). Here the path
    is left out of that comparison, and one parse serves the builds of every warehouse. The
    database's name, which models can read (`target.database`), stays in it."""
    from dbt.parser.manifest import ManifestLoader

    state_check = ManifestLoader.build_manifest_state_check

    def state_check_without_the_path(loader: ManifestLoader):
        credentials = loader.root_project.credentials
        if not hasattr(credentials, "path"):  # a target that is not a DuckDB file
            return state_check(loader)
        path = credentials.path
        credentials.path = None
        try:
            return state_check(loader)
        finally:
            credentials.path = path

    ManifestLoader.build_manifest_state_check = state_check_without_the_path


def _run_dbt(args: list[str]) -> int:
    """dbt's command line, as newsledger runs it (`take_longest_chains_first`,
    `reuse_parses_across_build_databases`)."""
    from dbt.cli.main import cli

    take_longest_chains_first()
    reuse_parses_across_build_databases()
    try:
        cli.main(args=args, prog_name="dbt")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:
        traceback.print_exc()
        return 2
    return 0


def _receive(caller: socket.socket) -> tuple[dict, list[int]]:
    data, streams, _, _ = socket.recv_fds(caller, 65536, 3)
    while len(data) < _LENGTH.size or len(data) < _LENGTH.size + _LENGTH.unpack_from(data)[0]:
        more = caller.recv(65536)
        if not more:
            raise ConnectionError("newsledger-dbt closed the connection mid-request")
        data += more
    return json.loads(data[_LENGTH.size :]), streams


class Interrupts:
    """How the process that runs dbt answers SIGINT. The first interrupts dbt as it would
    interrupt `dbt`: dbt cancels its queries and ends. An interrupt that reaches DuckDB before
    the query does is lost, and dbt then waits for that query to end, so a second interrupt ends
    the process at once (the database keeps what was committed). The second is counted by a
    thread woken through `signal.set_wakeup_fd`, which runs while the main thread waits in
    DuckDB or in a join, where Python signal handlers do not."""

    def __init__(self, caller: socket.socket) -> None:
        self.interrupted = False
        self._caller = caller
        self._answering = threading.Lock()
        self._status: int | None = None
        woken, wake = os.pipe()
        os.set_blocking(wake, False)
        signal.signal(signal.SIGINT, self._interrupt)
        signal.set_wakeup_fd(wake, warn_on_full_buffer=False)
        threading.Thread(target=self._count, args=(woken,), daemon=True).start()

    def answer(self, code: int) -> None:
        """Sends the command dbt's exit status, once."""
        with self._answering:
            if self._status is None:
                self._caller.sendall(f"{code}\n".encode())
                self._status = code

    def _interrupt(self, number: int, frame: object) -> NoReturn:
        self.interrupted = True
        raise KeyboardInterrupt

    def _count(self, woken: int) -> None:
        seen = 0
        while numbers := os.read(woken, 64):
            seen += numbers.count(signal.SIGINT)
            if seen > 1:
                self.answer(128 + signal.SIGINT)
                os._exit(self._status)


def _interrupt_when_gone(caller: socket.socket) -> None:
    """dbt is interrupted, as a killed `dbt` would stop, when the command that asked for it
    ends before it (say, killed after an interrupt dbt did not answer in time)."""

    def watch() -> None:
        try:
            gone = not caller.recv(1)
        except OSError:
            gone = True
        if gone:
            os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=watch, daemon=True).start()


def main() -> NoReturn:
    """`newsledger-dbt ARGS`: `dbt ARGS`, run by the waiting process when there is one."""
    args = sys.argv[1:]
    caller = _connect(os.environ.get(SOCKET_ENV, ""))
    if caller is not None:
        request = json.dumps({"args": args, "cwd": os.getcwd(), "env": dict(os.environ)})
        payload = request.encode()
        message = _LENGTH.pack(len(payload)) + payload
        try:
            sent = socket.send_fds(caller, [message], [0, 1, 2])
            caller.sendall(message[sent:])
            started = _read_line(caller)
        except OSError:
            started = b""
        pid = started.removeprefix(_STARTED)
        if started.startswith(_STARTED) and pid.endswith(b"\n") and pid.strip().isdigit():
            runner = int(pid)
            for interrupt in (signal.SIGINT, signal.SIGTERM):
                signal.signal(interrupt, lambda number, _: os.kill(runner, number))
            sys.exit(_exit_status(_read_to_end(caller)))
    # No waiting process, or it ended before taking the command: this process runs it.
    sys.exit(_run_dbt(args))


def _connect(socket_path: str) -> socket.socket | None:
    if not socket_path:
        return None
    caller = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        caller.connect(socket_path)
    except OSError:
        caller.close()
        return None
    return caller


def _read_line(caller: socket.socket) -> bytes:
    line = b""
    while not line.endswith(b"\n") and (byte := caller.recv(1)):
        line += byte
    return line


def _read_to_end(caller: socket.socket) -> bytes:
    """What the process says until it ends."""
    said = b""
    while chunk := caller.recv(4096):
        said += chunk
    return said


def _exit_status(said: bytes) -> int:
    try:
        return int(said.strip())
    except ValueError:
        print("newsledger-dbt: the dbt process ended without an exit status", file=sys.stderr)
        return 1


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
