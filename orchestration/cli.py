"""`newsledger run` materializes every asset once and prints what the warehouse holds;
`newsledger sql` opens a read-only DuckDB shell on it; `newsledger docs` opens its docs."""

from __future__ import annotations

import argparse
import fcntl
import gc
import multiprocessing
import os
import re
import sys
import tempfile
import time
import webbrowser
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import dagster as dg
import duckdb
from dagster._utils.error import SerializableErrorInfo

from orchestration.apart import exit_with_parent
from orchestration.assets import MART_NAMES, PUBLISHED
from orchestration.settings import Settings
from orchestration.warehouse import WarehouseUnwritableError, ensure_writable_folder

# Tag workers started with a build run below the start-up's priority (`tag_workers_started_early`).
EARLY_TAG_WORKER_NICENESS = 10


@dataclass(frozen=True)
class RunSummary:
    success: bool
    mart_rows: dict[str, int]
    checks: Counter  # "passed" / "failed" / "warned"
    failed_checks: list[str]
    failed_steps: list[str]
    warehouse: str
    warned_checks: list[str] = field(default_factory=list)
    step_errors: dict[str, str] = field(default_factory=dict)  # failed step -> its error
    docs: str = ""  # the docs index, when the refresh wrote it
    published: bool = True  # this refresh replaced the published warehouse
    unchanged_seed_checks: int = 0  # checks of reference tables left out: their files are as loaded

    def render(self) -> str:
        lines = [f"warehouse: {self.warehouse}"]
        if not self.published and self.mart_rows:
            lines[0] += " (not replaced by this refresh: the rows are the last published ones)"
        if self.docs:
            lines.append(f"docs: {self.docs}")
        width = max(map(len, MART_NAMES))
        lines += [f"  marts.{name:<{width}} {n:>7} rows" for name, n in self.mart_rows.items()]
        lines.append(
            f"checks: {self.checks['passed']} passed, {self.checks['failed']} failed, "
            f"{self.checks['warned']} warned"
        )
        if self.unchanged_seed_checks:
            lines[-1] += (
                f" ({self.unchanged_seed_checks} checks of reference tables not run: they hold "
                "their seed files as last loaded and checked)"
            )
        lines += [f"  failed check: {name}" for name in self.failed_checks]
        lines += [f"  warned check: {name}" for name in self.warned_checks]
        lines += [
            f"  failed step: {name}: {self.step_errors[name]}"
            if self.step_errors.get(name)
            else f"  failed step: {name}"
            for name in self.failed_steps
        ]
        lines.append("run: " + ("succeeded" if self.success else "FAILED"))
        return "\n".join(lines)


@contextmanager
def one_refresh_at_a_time(settings: Settings) -> Iterator[None]:
    """Holds the warehouse's refresh lock. The writer pool serializes steps, not runs: without
    it, a second refresh could publish marts the first one built but has not checked yet."""
    lock_path = settings.build_database.parent / "refresh.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another refresh of {settings.warehouse} to end", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def run_refresh(settings: Settings, instance: dg.DagsterInstance) -> RunSummary:
    """Ingest, tag every new batch in parallel processes, then load, build, check and publish,
    as Dagster runs in `instance`; summarize them."""
    with one_refresh_at_a_time(settings):
        return _run_refresh(settings, instance)


def _run_refresh(settings: Settings, instance: dg.DagsterInstance) -> RunSummary:
    with tag_workers_started_early(settings) as workers:
        return _run_jobs(settings, instance, workers)


def _run_jobs(
    settings: Settings, instance: dg.DagsterInstance, workers: ProcessPoolExecutor | None
) -> RunSummary:
    with loaded_objects_frozen():
        from orchestration.project import dbt_imported_ahead, prepare_dbt_manifest
        from orchestration.recovery import fail_dead_runs

        for run_id in fail_dead_runs(instance):
            print(f"marked run {run_id} failed: its process is gone; its writer slot is free again")
        prepare_dbt_manifest(str(settings.build_database), settings.duckdb_memory_limit)
        from orchestration.definitions import build_definitions

        definitions = build_definitions(settings)
    unchanged_seed_checks = 0
    # Beside tag workers, which take every core until the load run, dbt would only wait in memory.
    ahead = dbt_imported_ahead() if workers is None else nullcontext()
    with _shareable(instance) as shared, ahead:
        results = [_execute(definitions, "ingest", shared)]
        tag_errors = tag_in_parallel(settings, shared, workers) if results[0].success else {}
        if results[0].success and not tag_errors:
            selection, unchanged_seed_checks = _load_selection(definitions)
            results.append(_execute(definitions, "load", shared, asset_selection=selection))
    checks: Counter = Counter()
    failed_checks, warned_checks = [], []
    for evaluation in (e for result in results for e in result.get_asset_check_evaluations()):
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        if evaluation.passed:
            checks["passed"] += 1
        elif evaluation.severity == dg.AssetCheckSeverity.WARN:
            checks["warned"] += 1
            warned_checks.append(name)
        else:
            checks["failed"] += 1
            failed_checks.append(name)
    failures = [
        event
        for result in results
        for event in result.all_events
        if event.is_step_failure and event.step_key
    ]
    return RunSummary(
        success=len(results) == 2 and all(result.success for result in results),
        mart_rows=published_row_counts(settings),
        checks=checks,
        failed_checks=failed_checks,
        failed_steps=[event.step_key for event in failures] + list(tag_errors),
        warehouse=str(settings.warehouse),
        warned_checks=warned_checks,
        step_errors={
            event.step_key: _error_line(event.step_failure_data.error) for event in failures
        }
        | tag_errors,
        docs=str(docs_index(settings)) if docs_index(settings).exists() else "",
        published=any(
            event.asset_key == PUBLISHED
            for result in results
            for event in result.get_asset_materialization_events()
        ),
        unchanged_seed_checks=unchanged_seed_checks,
    )


def _load_selection(definitions: dg.Definitions) -> tuple[list[dg.AssetKey] | None, int]:
    """The load job's assets without the seeds already loaded from their files as they are now
    (None: the whole job, when every seed needs loading), and how many checks are left out
    with those seeds."""
    from orchestration.automation import load_job
    from orchestration.dbt import current_seeds

    current = current_seeds(definitions.resources["warehouse"])
    if not current:
        return None, 0
    graph = definitions.resolve_asset_graph()
    selection = load_job.selection - dg.AssetSelection.assets(*current)
    return sorted(selection.resolve(graph)), len(graph.get_check_keys_for_assets(current))


@contextmanager
def loaded_objects_frozen() -> Iterator[None]:
    """No garbage collection while the code and the definitions load; then one collection, and
    what is left is frozen out of later ones: it lives as long as the process, and every full
    collection would walk it again (a refresh's main process spent 1.7 s in them at 10,000
    articles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.freeze()
        if enabled:
            gc.enable()


def docs_index(settings: Settings) -> Path:
    return settings.docs_folder / "index.html"


def _execute(
    definitions: dg.Definitions, job_name: str, instance: dg.DagsterInstance, **options
) -> dg.ExecuteInProcessResult:
    from orchestration.automation import STARTED_BY_CLI
    from orchestration.recovery import PROCESS_TAG

    return definitions.resolve_job_def(job_name).execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        tags={**STARTED_BY_CLI, PROCESS_TAG: str(os.getpid())},
        **options,
    )


@contextmanager
def _shareable(instance: dg.DagsterInstance) -> Iterator[dg.DagsterInstance]:
    """`instance`, or in place of an in-memory one a temporary one on disk, which the tag
    worker processes can open too."""
    if not instance.is_ephemeral:
        yield instance
        return
    with tempfile.TemporaryDirectory() as home, dg.DagsterInstance.local_temp(home) as shared:
        yield shared


def many_new_files(settings: Settings) -> bool:
    """Whether the inbox holds more files than the build database has read by more than a tag
    batch: a first build or a backfill, which will tag in worker processes."""
    files = sum(len(names) for _, _, names in os.walk(settings.inbox))
    if files <= settings.tag_batch_articles:
        return False
    if not settings.build_database.exists():
        return True
    try:
        with duckdb.connect(str(settings.build_database), read_only=True) as conn:
            [(read,)] = conn.execute("select count(*) from raw.documents").fetchall()
    except duckdb.Error:  # held by another process, or made but never scanned into
        return False
    return files - read > settings.tag_batch_articles


@contextmanager
def tag_workers_started_early(settings: Settings) -> Iterator[ProcessPoolExecutor | None]:
    """When `many_new_files`, `settings.tag_workers` tag worker processes started now, which
    import the tagging code and load the model while the refresh starts and reads the inbox;
    `tag_in_parallel` shuts them down, or else the end of the block. They run at a lower
    priority, so that they take the time the start-up leaves idle rather than slow it down."""
    if not many_new_files(settings):
        yield None
        return
    pool = _tag_worker_pool(settings, settings.tag_workers, niceness=EARLY_TAG_WORKER_NICENESS)
    try:
        for _ in range(settings.tag_workers):
            pool.submit(int)  # a worker is started for each task submitted while none is idle
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)


def _tag_worker_pool(settings: Settings, workers: int, niceness: int = 0) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        workers,
        # A fresh interpreter: forking a process that holds DuckDB and Dagster threads is unsafe.
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_tag_worker,
        initargs=(os.getpid(), settings.spacy_model, niceness),
    )


def tag_in_parallel(
    settings: Settings,
    instance: dg.DagsterInstance,
    workers: ProcessPoolExecutor | None = None,
) -> dict[str, str]:
    """One tag_batch run per batch without tags, `settings.tag_workers` at a time in worker
    processes (`workers`, started ahead, or new ones; shut down here); returns the error of each
    failed run by its step name. A single batch is left to the load run, which tags what no
    tag_batch run has: nothing would run beside it, and a worker process would first have to
    import everything and load the model again."""
    from orchestration.tag_files import TagFiles

    batches = {
        key: len(batch.article_ids)
        for key, batch in TagFiles(path=str(settings.tagging_folder)).batches().items()
        if not batch.tagged
    }
    if len(batches) < 2:
        if workers is not None:
            workers.shutdown(cancel_futures=True)
        if batches:
            print(f"tagging {sum(batches.values())} articles in the load run (one batch)",
                  flush=True)
        return {}
    total, at_once = sum(batches.values()), min(settings.tag_workers, len(batches))
    print(f"tagging {total} articles: {len(batches)} tag_batch runs, {at_once} at a time",
          flush=True)
    errors, runs_done, done, started = {}, 0, 0, time.monotonic()
    with workers or _tag_worker_pool(settings, at_once) as pool:
        runs = {
            pool.submit(_tag_batch_run, settings, instance.get_ref(), key): key for key in batches
        }
        for run in as_completed(runs):
            key = runs[run]
            try:
                error = run.result()
            except Exception as crash:  # the worker process died
                error = f"{type(crash).__name__}: {crash}"
            if error is not None:
                errors[f"tag_batch[{key}]"] = error
            runs_done, done = runs_done + 1, done + batches[key]
            rate = done / max(time.monotonic() - started, 1e-9)
            print(f"tagged {done}/{total} articles in {runs_done}/{len(batches)} tag_batch runs "
                  f"({rate:.1f}/s, ETA {(total - done) / rate:.0f}s)", flush=True)
    return errors


def _start_tag_worker(parent: int, model: str, niceness: int) -> None:
    os.nice(niceness)
    exit_with_parent(parent)
    with loaded_objects_frozen():
        import orchestration.tagging  # noqa: F401 - loaded once, before the first batch
        from extract.nlp import build_nlp

        build_nlp(model)


def _tag_batch_run(settings: Settings, instance_ref, key: str) -> str | None:
    """In a worker process: the tag_batch run of one batch; its error, or None."""
    from orchestration.tagging import tagging_definitions

    with dg.DagsterInstance.from_ref(instance_ref) as instance:
        result = _execute(tagging_definitions(settings), "tag_batch", instance, partition_key=key)
    if result.success:
        return None
    failures = [event for event in result.all_events if event.is_step_failure]
    return _error_line(failures[0].step_failure_data.error) if failures else "the run failed"


def _error_line(error: SerializableErrorInfo | None) -> str:
    """The first line of the error a step's own code raised, e.g. `WarehouseLockedError: ...`;
    for a failed dbt build, what dbt said of its first error."""
    if error is None:
        return ""
    raised = error.cause or error  # Dagster wraps what the asset raised
    if DBT_ERRORS_HEADING in raised.message:
        said = _dbt_error(raised.message.split(DBT_ERRORS_HEADING, 1)[1])
        if said:
            return f"dbt: {said}"
    return f"{raised.cls_name}: {raised.message.split(': ', 1)[-1].strip().splitlines()[0]}"


# dagster-dbt's error for a failed dbt command quotes dbt's errors under this heading.
DBT_ERRORS_HEADING = "Errors parsed from dbt logs:"
_ANSI_CODE = re.compile(r"\x1b\[[0-9;]*m")


def _dbt_error(parsed: str) -> str:
    """dbt's first error as one line: the indented lines it prints under the failed node, e.g.
    `Runtime Error in model claims (...): Constraint Error: NOT NULL constraint failed: ...`."""
    said: list[str] = []
    for line in _ANSI_CODE.sub("", parsed).splitlines():
        if line.startswith("  ") and line.strip():
            if not line.strip().startswith("compiled code at"):
                said.append(line.strip())
        elif said and line.strip():
            break
    return ": ".join(said)


def published_row_counts(settings: Settings) -> dict[str, int]:
    if not settings.warehouse.exists():
        return {}
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        present = {
            row[0]
            for row in conn.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        return {
            name: conn.execute(f"select count(*) from marts.{name}").fetchone()[0]
            for name in MART_NAMES
            if name in present
        }


def preflight(settings: Settings) -> None:
    """Fails in seconds, before any work, when the inbox, the warehouse folder, the spaCy
    model, the Dagster home, the schedule, the executor or the dbt target is not usable; the
    errors say what to set or install."""
    from dagster._utils.schedules import is_valid_cron_string

    from extract.nlp import model_meta
    from orchestration.project import DBT_TARGET_ENV, dbt_profile_targets
    from orchestration.tagging import executor

    home = os.environ.get("DAGSTER_HOME")
    if home and not Path(home).is_dir():
        raise FileNotFoundError(
            f"DAGSTER_HOME {home} is not a folder: create it (with a dagster.yaml such as "
            ".dagster_home/dagster.yaml) or unset DAGSTER_HOME"
        )
    if not is_valid_cron_string(settings.refresh_cron):
        raise ValueError(
            f"NEWSLEDGER_REFRESH_CRON={settings.refresh_cron!r} is not a cron schedule "
            "(five fields, e.g. '0 6 * * *')"
        )
    executor(settings.executor)
    target = os.environ.get(DBT_TARGET_ENV)
    if target is not None and target not in (targets := dbt_profile_targets()):
        raise ValueError(
            f"{DBT_TARGET_ENV}={target!r}: the dbt profile (dbt_project/profiles.yml) does not "
            f"have a target named {target!r}; it has {', '.join(targets)}: add an output there "
            f"or unset {DBT_TARGET_ENV}"
        )
    if not settings.inbox.is_dir():
        raise FileNotFoundError(
            f"inbox {settings.inbox} is not a folder: set NEWSLEDGER_INBOX to a folder of articles"
        )
    if settings.warehouse.is_dir():
        raise WarehouseUnwritableError(
            f"{settings.warehouse} is a folder: set NEWSLEDGER_WAREHOUSE to a .duckdb file path"
        )
    ensure_writable_folder(settings.warehouse.parent)
    ensure_writable_folder(settings.build_database.parent)
    model_meta(settings.spacy_model)


def open_sql_shell(settings: Settings) -> int:
    """Replaces this process with the DuckDB shell, read-only on the published warehouse."""
    if not settings.warehouse.is_file():
        print(
            f"newsledger: no warehouse at {settings.warehouse} yet: run `make run`",
            file=sys.stderr,
        )
        return 2
    shell = Path(sys.executable).with_name("duckdb")
    os.execv(shell, [str(shell), "-readonly", str(settings.warehouse)])


def open_docs(settings: Settings) -> int:
    index = docs_index(settings)
    if not index.is_file():
        print(f"newsledger: no docs at {index} yet: run `make run`", file=sys.stderr)
        return 2
    print(f"docs: {index}")
    for part in ("report", "dbt", "gx"):
        if (index.parent / part / "index.html").is_file():
            print(f"  {part}: {index.parent / part / 'index.html'}")
    if not webbrowser.open(index.as_uri()):
        print("no web browser found here: open the files above in one")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newsledger", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="ingest the inbox, tag, build and check the marts, publish")
    commands.add_parser("sql", help="a read-only DuckDB shell on the published warehouse")
    commands.add_parser("docs", help="open the report, dbt docs and Data Docs")
    command = parser.parse_args(argv).command
    if command in ("sql", "docs"):
        try:
            settings = Settings.from_env()
        except ValueError as error:
            print(f"newsledger: {error}", file=sys.stderr)
            return 2
        return open_sql_shell(settings) if command == "sql" else open_docs(settings)
    from orchestration.validating import start_validating_server

    start_validating_server()
    leave_dbt_core_out_of_this_process()
    from extract.nlp import ModelNotInstalledError

    try:
        settings = Settings.from_env()
        preflight(settings)
    except (ValueError, OSError, WarehouseUnwritableError, ModelNotInstalledError) as error:
        print(f"newsledger: {error}", file=sys.stderr)
        return 2
    print(f"newsledger: {settings.inbox} -> {settings.warehouse}", flush=True)
    has_home = bool(os.environ.get("DAGSTER_HOME"))
    instance = dg.DagsterInstance.get() if has_home else dg.DagsterInstance.ephemeral()
    from orchestration.project import DbtCommandError

    try:
        summary = run_refresh(settings, instance)
    except DbtCommandError as error:  # the dbt project or profile cannot be parsed
        print(f"newsledger: {error}", file=sys.stderr)
        return 2
    print(summary.render())
    return 0 if summary.success else 1


def leave_dbt_core_out_of_this_process() -> None:
    """Has dagster-dbt, imported after this, run without dbt-core, as it does beside dbt Fusion
    (its own stand-ins for dbt's few types, the manifest read as JSON). A refresh runs dbt in
    other processes (`newsledger-dbt`), and importing dbt-core here took about 1 s of the
    start-up, while the validating server's import of Great Expectations holds the other core."""
    if "dagster_dbt" not in sys.modules:
        sys.modules.setdefault("dbt", None)  # `import dbt...` raises ImportError


def exit_now(code: int) -> NoReturn:
    """Ends the process with `code` without the interpreter's teardown, which spends seconds
    unloading Dagster, dbt, Great Expectations and spaCy after a refresh that has already closed
    every file, connection and child process it opened."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

