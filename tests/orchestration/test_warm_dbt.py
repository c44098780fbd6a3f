"""`newsledger-dbt` runs a dbt command in a process that imported dbt ahead, and behaves as
`dbt` does: same output and exit status, the database closed when it returns."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.project import (
    BUILD_DATABASE_ENV,
    DBT_EXECUTABLE,
    DBT_PROJECT,
    MEMORY_LIMIT_ENV,
    PARTIAL_PARSE_FILE,
    WARM_DBT_EXECUTABLE,
    dbt_imported_ahead,
    dbt_resource,
    kept_dbt_parse,
)
from orchestration.warm_dbt import (
    LAST_RUN_RESULTS_FILE,
    SOCKET_ENV,
    VALIDATED_CLASSES,
    WarmDbt,
    last_node_seconds,
    longest_chain_scores,
    one_node_per_free_thread,
    take_longest_chains_first,
)

pytestmark = pytest.mark.skipif(
    not WARM_DBT_EXECUTABLE.exists(),
    reason="newsledger-dbt is installed with the package (`make test` installs it)",
)


@pytest.fixture
def warm():
    warm = WarmDbt.start()
    yield warm
    warm.stop()


def run_command(executable, *args: str, socket_path: str = "", **options):
    env = {**os.environ, SOCKET_ENV: socket_path}
    return subprocess.run(
        [str(executable), *args], capture_output=True, text=True, env=env, **options
    )


def dbt_environment(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        BUILD_DATABASE_ENV: str(tmp_path / "build.duckdb"),
        MEMORY_LIMIT_ENV: "1GB",
    }


def test_a_node_scores_minus_the_length_of_the_longest_chain_it_starts() -> None:
    successors = {"a": ["b", "x"], "b": ["c"], "c": ["d"], "x": [], "d": [], "e": []}
    assert longest_chain_scores(successors) == {
        "a": -4, "b": -3, "c": -2, "d": -1, "x": -1, "e": -1,
    }  # fmt: skip


def test_timed_chains_are_as_long_as_their_nodes_took_in_the_last_build() -> None:
    successors = {"heavy": [], "l1": ["l2"], "l2": ["l3"], "l3": [], "new": ["heavy"]}
    seconds = {"heavy": 2.0, "l1": 0.1, "l2": 0.2, "l3": 0.3}
    scores = longest_chain_scores(successors, seconds)
    assert scores["heavy"] == -2.0
    assert scores["l1"] == pytest.approx(-0.6)
    assert scores["new"] == pytest.approx(-2.25), "a node not timed counts as the median"


def write_run_results(target: Path, seconds: dict[str, object]) -> None:
    results = [{"unique_id": node, "execution_time": took} for node, took in seconds.items()]
    (target / LAST_RUN_RESULTS_FILE).write_text(json.dumps({"results": results}))


def test_the_seconds_of_the_last_build_are_read_from_its_target_folder(tmp_path) -> None:
    assert last_node_seconds(None) == {}
    assert last_node_seconds(str(tmp_path)) == {}, "no build into it yet"
    write_run_results(tmp_path, {"model.a": 1.5, "test.b": 0.02})
    assert last_node_seconds(str(tmp_path)) == {"model.a": 1.5, "test.b": 0.02}
    write_run_results(tmp_path, {"model.a": "slow"})
    assert last_node_seconds(str(tmp_path)) == {}, "unreadable results order by node counts"


class _Manifest:
    """What dbt's queue asks of a manifest: the node of an id, here the id itself."""

    @staticmethod
    def expect(node_id: str) -> str:
        return node_id


def test_dbt_in_the_warm_process_takes_the_ready_node_with_the_longest_chain_first(
    monkeypatch, tmp_path
) -> None:
    import networkx as nx
    from dbt import flags
    from dbt.graph.queue import GraphQueue
    from dbt.task.runnable import GraphRunnableTask

    def first_taken() -> str:
        graph = nx.DiGraph([("a_short", "a_end"), ("b_long", "b2"), ("b2", "b3"), ("b3", "b4")])
        return GraphQueue(graph, _Manifest(), set(graph)).get(block=False)

    # undone after the test
    monkeypatch.setattr(GraphQueue, "_get_scores", GraphQueue._get_scores)
    monkeypatch.setattr(GraphRunnableTask, "run_queue", GraphRunnableTask.run_queue)
    monkeypatch.setattr(flags, "GLOBAL_FLAGS", argparse.Namespace(TARGET_PATH=str(tmp_path)))
    assert first_taken() == "a_short"  # dbt: the same depth, then by name
    take_longest_chains_first()
    assert first_taken() == "b_long"
    write_run_results(tmp_path, {"a_short": 0.1, "a_end": 3.0, "b_long": 0.1, "b2": 0.1})
    assert first_taken() == "a_short", "the last build into the target folder timed a_end long"


def test_a_node_is_taken_from_the_queue_only_when_a_thread_is_free() -> None:
    import networkx as nx
    from dbt.graph.queue import GraphQueue

    queue = GraphQueue(nx.DiGraph([("first", "next"), ("other", "last")]), _Manifest(), set())
    get = one_node_per_free_thread(queue, threads=1)
    taken = [get()]
    waiting = threading.Thread(target=lambda: taken.append(get()))
    waiting.start()
    waiting.join(timeout=0.5)
    assert waiting.is_alive(), "the one thread still runs the first node"
    queue.mark_done(taken[0])
    waiting.join(timeout=5)
    assert not waiting.is_alive()
    assert len(taken) == 2 and len(queue.in_progress) == 1


def test_a_command_run_by_the_warm_process_says_and_exits_as_dbt_does(warm) -> None:
    args = ["parse", "--no-such-flag", "--project-dir", str(DBT_PROJECT.project_dir)]
    by_dbt = run_command(DBT_EXECUTABLE, *args)
    by_warm = run_command(WARM_DBT_EXECUTABLE, *args, socket_path=warm.socket_path)
    assert by_dbt.returncode == 2
    assert (by_warm.returncode, by_warm.stdout, by_warm.stderr) == (
        by_dbt.returncode,
        by_dbt.stdout,
        by_dbt.stderr,
    )
    assert not Path(warm.socket_path).exists(), "the warm process took the command"
    assert warm.process.poll() == 2, "it has ended when newsledger-dbt returns"


def run_in_project(warm, tmp_path, *args: str) -> subprocess.CompletedProcess:
    """`newsledger-dbt ARGS` in the dbt project, given `warm`, building into tmp_path."""
    return subprocess.run(
        [str(WARM_DBT_EXECUTABLE), *args, "--target-path", str(tmp_path / "target")],
        capture_output=True, text=True, cwd=DBT_PROJECT.project_dir,
        env={**dbt_environment(tmp_path), SOCKET_ENV: warm.socket_path},
    )  # fmt: skip


def test_the_database_is_closed_when_newsledger_dbt_returns(warm, tmp_path) -> None:
    shown = run_in_project(warm, tmp_path, "show", "--inline", "select 41 + 1 as answer")
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "42" in shown.stdout
    assert not Path(warm.socket_path).exists()
    with duckdb.connect(str(tmp_path / "build.duckdb")) as conn:  # no other writer holds it
        assert conn.execute("select 1").fetchone() == (1,)


def test_what_a_command_wrote_is_in_the_database_file_when_newsledger_dbt_returns(
    warm, tmp_path
) -> None:
    seeded = run_in_project(warm, tmp_path, "seed", "--select", "countries")
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    assert warm.process.poll() == 0
    database = tmp_path / "build.duckdb"
    assert not database.with_name(f"{database.name}.wal").exists(), "checkpointed, as dbt does"
    with duckdb.connect(str(database), read_only=True) as conn:
        [(rows,)] = conn.execute(
            "select estimated_size from duckdb_tables() where table_name = 'countries'"
        ).fetchall()
    assert rows > 0


def test_without_a_warm_process_newsledger_dbt_is_dbt(tmp_path) -> None:
    by_dbt = run_command(DBT_EXECUTABLE, "--help")
    for socket_path in ("", str(tmp_path / "nobody-listens.sock")):
        by_shim = run_command(WARM_DBT_EXECUTABLE, "--help", socket_path=socket_path)
        assert (by_shim.returncode, by_shim.stdout) == (0, by_dbt.stdout)


def test_a_second_command_runs_dbt_itself(warm) -> None:
    first = run_command(WARM_DBT_EXECUTABLE, "--help", socket_path=warm.socket_path)
    second = run_command(WARM_DBT_EXECUTABLE, "--help", socket_path=warm.socket_path)
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout


def test_an_interrupt_reaches_the_dbt_the_warm_process_runs(warm, tmp_path) -> None:
    env = {**dbt_environment(tmp_path), SOCKET_ENV: warm.socket_path}
    command = subprocess.Popen(
        [str(WARM_DBT_EXECUTABLE), "show", "--inline",
         "select count(*) from range(1000000000000) as a(i) where i % 7 = 3",
         "--target-path", str(tmp_path / "target")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        cwd=DBT_PROJECT.project_dir,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while Path(warm.socket_path).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(warm.socket_path).exists(), "the warm process took the command"
    # An interrupt that reaches DuckDB before the query does is lost (as with dbt itself): the
    # first is sent once dbt has set out to run the query, and, as a user would, the test
    # interrupts again until dbt stops.
    said: list[str] = []
    reader = threading.Thread(target=lambda: said.extend(command.stdout), daemon=True)
    reader.start()
    while not any("Concurrency:" in line for line in said) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert any("Concurrency:" in line for line in said), "".join(said)
    deadline = time.monotonic() + 60
    while command.poll() is None and time.monotonic() < deadline:
        time.sleep(2)
        command.send_signal(signal.SIGINT)
    try:
        command.wait(timeout=10)
    except subprocess.TimeoutExpired:
        command.kill()
        pytest.fail("newsledger-dbt went on after a minute of interrupts:\n" + "".join(said))
    reader.join(timeout=10)
    assert command.returncode != 0, "".join(said)
    assert warm.process.wait(timeout=10) != 0


# dbt waiting on a query its cancel missed: each interrupt is caught, and the wait goes on.
UNANSWERED_INTERRUPTS = """
import socket, sys, threading
from orchestration.warm_dbt import Interrupts

Interrupts(socket.socket(fileno=int(sys.argv[1])))
print("waiting", flush=True)
while True:
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("interrupted", flush=True)
"""


def test_a_second_interrupt_ends_a_dbt_that_goes_on_after_the_first() -> None:
    command, process = socket.socketpair()
    with process:
        waiting = subprocess.Popen(
            [sys.executable, "-c", UNANSWERED_INTERRUPTS, str(process.fileno())],
            stdout=subprocess.PIPE, text=True, pass_fds=[process.fileno()],
        )  # fmt: skip
    with command:
        assert waiting.stdout.readline() == "waiting\n"
        waiting.send_signal(signal.SIGINT)
        assert waiting.stdout.readline() == "interrupted\n"
        assert waiting.poll() is None, "the first interrupt is dbt's to answer"
        waiting.send_signal(signal.SIGINT)
        assert waiting.wait(timeout=10) == 128 + signal.SIGINT
        assert command.recv(64) == f"{128 + signal.SIGINT}\n".encode()


def test_a_run_that_builds_starts_a_warm_process_and_ends_it_unused() -> None:
    with dg.build_resources({"dbt": dbt_resource()}) as resources:
        assert Path(resources.dbt.dbt_executable) == WARM_DBT_EXECUTABLE
        socket_path = os.environ[SOCKET_ENV]
        assert Path(socket_path).exists()
        waiting = resources.dbt._warm.process
        assert waiting.poll() is None
    assert SOCKET_ENV not in os.environ
    assert not Path(socket_path).exists()
    assert waiting.wait(timeout=10) is not None


def test_a_run_takes_the_dbt_imported_ahead_and_runs_its_command_there() -> None:
    with dbt_imported_ahead() as ahead:
        socket_path = os.environ[SOCKET_ENV]
        assert socket_path == ahead.socket_path
        with dg.build_resources({"dbt": dbt_resource()}) as resources:
            assert resources.dbt._warm is None, "the run starts no dbt of its own"
            assert os.environ[SOCKET_ENV] == socket_path
            said = run_command(resources.dbt.dbt_executable, "--version", socket_path=socket_path)
            assert said.returncode == 0 and "dbt" in said.stdout
        assert not Path(socket_path).exists(), "the command took the process that waited"
        assert ahead.process.wait(timeout=10) == 0, "which ended with the command"
        with dg.build_resources({"dbt": dbt_resource()}) as resources:
            assert resources.dbt._warm is not None, "the next run starts its own"
            assert os.environ[SOCKET_ENV] != socket_path
    assert SOCKET_ENV not in os.environ
    assert not Path(socket_path).parent.exists()


def test_dbt_imported_ahead_and_not_taken_is_ended() -> None:
    with dbt_imported_ahead() as ahead:
        assert Path(os.environ[SOCKET_ENV]).exists()
        assert ahead.process.poll() is None
    assert SOCKET_ENV not in os.environ
    assert ahead.process.wait(timeout=10) is not None
    assert not ahead.folder.exists()


def test_without_a_socket_the_run_builds_with_dbt_itself(monkeypatch, tmp_path) -> None:
    too_deep = tmp_path / ("d" * 120)  # longer than a socket's path may be
    too_deep.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(too_deep))
    with dg.build_resources({"dbt": dbt_resource()}) as resources:
        assert SOCKET_ENV not in os.environ
        assert resources.dbt._warm is None
        said = run_command(resources.dbt.dbt_executable, "--help")
        assert said.returncode == 0 and "build" in said.stdout
    assert list(too_deep.iterdir()) == [], "no folder is left behind"


# Which classes build their JSON schema while a dbt command runs in a fresh process, printed.
SCHEMAS_BUILT_DURING_A_COMMAND = """
import sys
import dbt_common.dataclass_schema as schema
from orchestration import warm_dbt

for module in warm_dbt.PRELOADED_MODULES:
    __import__(module)
if sys.argv[1] == "ahead":
    warm_dbt.build_validation_schemas()
built = []
build = schema.build_json_schema


def counted(cls):
    built.append(f"{cls.__module__}:{cls.__qualname__}")
    return build(cls)


schema.build_json_schema = counted
warm_dbt._run_dbt(sys.argv[2:])
print("\\n".join(built))
"""


# Which classes mashumaro generates a reader or writer for while a dbt command runs in a fresh
# process, printed.
CODECS_GENERATED_DURING_A_COMMAND = """
import sys
from pathlib import Path
from mashumaro.core.meta.code.builder import CodeBuilder
from orchestration import warm_dbt

for module in warm_dbt.PRELOADED_MODULES:
    __import__(module)
if sys.argv[1] != "not":
    warm_dbt.generate_artifact_codecs(Path(sys.argv[1]))
generated = []
for method in ("add_unpack_method", "add_pack_method"):
    def counted(builder, generate=getattr(CodeBuilder, method)):
        generated.append(builder.cls.__qualname__)
        return generate(builder)
    setattr(CodeBuilder, method, counted)
warm_dbt._run_dbt(sys.argv[2:])
print("\\n".join(generated))
"""


@pytest.mark.parametrize("ahead", [True, False])
def test_the_waiting_process_generates_what_reads_the_parse_and_writes_the_manifest(
    ahead, tmp_path
) -> None:
    # A build database of the name the checkout's parse was made for: dbt reuses that parse.
    env = {**dbt_environment(tmp_path), BUILD_DATABASE_ENV: str(tmp_path / "newsledger.duckdb")}
    target = kept_dbt_parse(env[BUILD_DATABASE_ENV])
    checkout_parse = Path(DBT_PROJECT.manifest_path).with_name(PARTIAL_PARSE_FILE)
    generated = subprocess.run(
        [sys.executable, "-c", CODECS_GENERATED_DURING_A_COMMAND,
         str(checkout_parse) if ahead else "not",
         "parse", "--quiet", "--project-dir", str(DBT_PROJECT.project_dir),
         "--profiles-dir", str(DBT_PROJECT.profiles_dir), "--target-path", str(target)],
        capture_output=True, text=True, check=True, env=env,
    ).stdout.split()  # fmt: skip
    if ahead:
        assert not {"Manifest", "WritableManifest"} & set(generated), generated
    else:
        assert {"Manifest", "WritableManifest"} <= set(generated), generated


@pytest.mark.parametrize("ahead", [True, False])
def test_the_waiting_process_builds_the_schemas_dbt_validates_against(ahead, tmp_path) -> None:
    built = subprocess.run(
        [sys.executable, "-c", SCHEMAS_BUILT_DURING_A_COMMAND, "ahead" if ahead else "not",
         "parse", "--quiet", "--project-dir", str(DBT_PROJECT.project_dir),
         "--profiles-dir", str(DBT_PROJECT.profiles_dir), "--target-path", str(tmp_path)],
        capture_output=True, text=True, check=True, env=dbt_environment(tmp_path),
    ).stdout.split()  # fmt: skip
    if ahead:
        assert not set(built) & set(VALIDATED_CLASSES), built
    else:
        assert set(VALIDATED_CLASSES) <= set(built), built
