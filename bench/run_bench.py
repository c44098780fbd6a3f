"""`make bench`: newsledger against the bare spaCy limit, on one synthetic corpus (issue 7).

One run does, on the same corpus:

1. generate N articles (bench/generate_corpus.py; 30% near-duplicates) into a temporary inbox;
2. the full build: `python -m orchestration run` in a subprocess (through
   bench/_instrumented_cli.py, which only adds timers) with a private DAGSTER_HOME, a fresh
   warehouse and the default tagging (one tag_batch run per core); per-step times from the
   Dagster event logs of its runs, peak memory of the whole process tree (polled from /proc
   every 0.2 s);
3. the near-duplicate effect: words tagged against words ingested;
4. the README's example queries on the published warehouse;
5. incremental refreshes, each after adding 10 new articles (3 rounds; the median counts);
6. the bare limit on exactly the bodies the NLP step tagged: `nlp.pipe(bodies,
   n_process=os.cpu_count())` with plain `spacy.load` (the model as shipped: the targets'
   limit) and with `extract.nlp.build_nlp` (newsledger's pipeline without the rules: the NLP
   step against it is what the rules cost);

then writes bench/results/<timestamp>-<N>.json, latest.json and latest-<N>.json, and prints
the targets of issue 7 with PASS/FAIL.

    python bench/run_bench.py --articles 1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent))

import generate_corpus  # noqa: E402

GB = 1024**3
TARGETS = {
    "nlp_throughput_ratio": 0.9,  # NLP step words/s >= 0.9 x bare nlp.pipe words/s
    "wall_over_bare": 1.3,  # full build wall <= 1.3 x bare NLP time
    "duplicate_tolerance": 0.03,  # words saved within 3 points of the near-duplicates' share
    "incremental_share": 0.05,  # refresh of 10 new articles <= 5% of the full build
    "peak_memory_bytes": 2 * GB,
    "memory_growth": 0.20,  # 10,000-article peak within 20% of the 1,000-article one
    "query_ms": 200.0,
}
# The load run's steps that tag what no tag_batch run has, and load the tags.
LOAD_RUN_TAGGING_STEPS = ("nlp__tag_batches", "nlp_tags")
TAGGING_STEPS = ("tag_one_batch", *LOAD_RUN_TAGGING_STEPS)
STAGES = (  # (name, how the Dagster step keys, without their `@run`, map to it)
    ("ingest", lambda key: key == "inbox_scan"),
    ("nlp", lambda key: key in TAGGING_STEPS),
    ("dbt", lambda key: key.startswith("dbt_models")),
    ("checks", lambda key: key.endswith("_great_expectations")),
    ("publish", lambda key: key.endswith("published")),
    ("docs", lambda key: key == "docs"),
)


# --------------------------------------------------------------------------- process tree memory


@dataclass
class TreeMemory:
    """Peak memory of a process and all its descendants, polled from /proc."""

    root: int
    interval: float = 0.2
    peak_rss: int = 0
    peak_pss: int = 0
    peak_processes: int = 0
    peak_largest_rss: int = 0
    samples: int = 0
    timeline: list[tuple[float, int]] = field(default_factory=list)  # (s, rss) at ~1 s steps
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> TreeMemory:
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    def _poll(self) -> None:
        last_mark = -1.0
        while not self._stop.is_set():
            pids = _descendants(self.root)
            rss = pss = largest = 0
            for pid in pids:
                process_rss, process_pss = _memory_of(pid)
                rss += process_rss
                pss += process_pss
                largest = max(largest, process_rss)
            if pids:
                self.samples += 1
                self.peak_rss = max(self.peak_rss, rss)
                self.peak_pss = max(self.peak_pss, pss)
                self.peak_largest_rss = max(self.peak_largest_rss, largest)
                self.peak_processes = max(self.peak_processes, len(pids))
                elapsed = time.monotonic() - self._started
                if elapsed - last_mark >= 1.0:
                    self.timeline.append((round(elapsed, 1), rss))
                    last_mark = elapsed
                elif self.timeline and rss > self.timeline[-1][1]:
                    self.timeline[-1] = (self.timeline[-1][0], rss)
            self._stop.wait(self.interval)

    def as_dict(self) -> dict[str, object]:
        return {
            "peak_rss_bytes": self.peak_rss,
            "peak_pss_bytes": self.peak_pss,
            "peak_largest_process_rss_bytes": self.peak_largest_rss,
            "peak_processes": self.peak_processes,
            "samples": self.samples,
            "timeline_rss_mib": [(t, round(v / 2**20)) for t, v in self.timeline],
        }


def _descendants(root: int) -> list[int]:
    """`root` and every process below it (empty once `root` is gone)."""
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        found.append(pid)
        for task in tasks:  # a child belongs to the thread that started it
            try:
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                    pending.extend(int(child) for child in children.read().split())
            except OSError:
                continue
    return found


def _memory_of(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes; PSS shares the pages forked workers share with their parent."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
                    break
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError):
        pass
    return rss, pss


def _cpu_busy_seconds() -> float:
    """CPU seconds all processes of the machine have used since boot (from /proc/stat)."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Measured:
    wall_seconds: float
    returncode: int
    started_at: float  # epoch seconds, comparable with Dagster event timestamps
    memory: dict[str, object]
    ru_maxrss_children_kib: int  # the largest waited-for descendant so far (RUSAGE_CHILDREN)
    cpu_seconds: float  # user + system of this subprocess tree
    machine_cpu_seconds: float  # every process of the machine, for the same interval
    load_average: tuple[float, float, float]

    def as_dict(self) -> dict[str, object]:
        foreign = max(self.machine_cpu_seconds - self.cpu_seconds, 0.0)
        return {
            "wall_seconds": round(self.wall_seconds, 3),
            "returncode": self.returncode,
            "memory": self.memory,
            "ru_maxrss_children_kib": self.ru_maxrss_children_kib,
            "cpu_seconds": round(self.cpu_seconds, 2),
            "machine_cpu_seconds": round(self.machine_cpu_seconds, 2),
            # CPU that other people's processes took meanwhile: a noisy neighbour shows here
            "other_processes_cpu_seconds": round(foreign, 2),
            "load_average_after": self.load_average,
        }


def measure(command: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> Measured:
    """Run `command`, polling the memory of its process tree; stdout and stderr go to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_before = _cpu_busy_seconds()
    with log.open("w", encoding="utf-8") as out:
        started_at = time.time()
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        with TreeMemory(process.pid) as memory:
            returncode = process.wait()
        wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(
        wall_seconds=wall,
        returncode=returncode,
        started_at=started_at,
        memory=memory.as_dict(),
        ru_maxrss_children_kib=after.ru_maxrss,
        cpu_seconds=cpu,
        machine_cpu_seconds=_cpu_busy_seconds() - busy_before,
        load_average=tuple(round(v, 2) for v in os.getloadavg()),
    )


# --------------------------------------------------------------------------- the pipeline


@dataclass(frozen=True)
class Workspace:
    root: Path
    repo: Path

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "warehouse.duckdb"

    def prepare(self) -> None:
        """The Dagster home of the runs, and the checkout measured made ready as installing it
        makes it (`make`): dbt's parse of its project, which a build into a new warehouse starts
        from."""
        self.dagster_home.mkdir(parents=True, exist_ok=True)
        config = self.repo / ".dagster_home" / "dagster.yaml"
        shutil.copyfile(config, self.dagster_home / "dagster.yaml")
        parse = "from orchestration.project import prepare_dbt_manifest; prepare_dbt_manifest()"
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSLEDGER_")}
        subprocess.run(
            [sys.executable, "-c", parse], cwd=self.repo, env={**env, "PYTHONPATH": str(self.repo)},
            check=True,
        )  # fmt: skip

    def pipeline_env(self, args: argparse.Namespace, timings: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSLEDGER_", "DAGSTER_"))}
        env.update(
            DAGSTER_HOME=str(self.dagster_home),
            PYTHONPATH=str(self.repo),
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            NEWSLEDGER_INBOX=str(self.inbox),
            NEWSLEDGER_WAREHOUSE=str(self.warehouse),
            NEWSLEDGER_NLP_PROCESSES=str(args.nlp_processes),
            NEWSLEDGER_NLP_BATCH_SIZE=str(args.batch_size),
            NEWSLEDGER_BENCH_TIMINGS=str(timings),
        )
        if args.model:
            env["NEWSLEDGER_SPACY_MODEL"] = args.model
        return env


def run_pipeline(ws: Workspace, args: argparse.Namespace, label: str) -> dict[str, object]:
    timings = ws.root / f"{label}.timings.json"
    if args.plain_cli:
        command = [sys.executable, "-m", "orchestration", "run"]
    else:
        command = [sys.executable, str(BENCH_DIR / "_instrumented_cli.py")]
    _say(f"{label}: {' '.join(command[1:])} (log: {ws.root / f'{label}.log'})")
    measured = measure(
        command, env=ws.pipeline_env(args, timings), cwd=ws.repo, log=ws.root / f"{label}.log"
    )
    result: dict[str, object] = {"command": command[1:], **measured.as_dict()}
    result["events"] = run_events(ws.dagster_home, measured.started_at)
    result["calls"] = json.loads(timings.read_text()) if timings.exists() else None
    result["stages"] = stage_times(result)
    result["dbt_slowest"] = dbt_slowest(ws.warehouse)
    if measured.returncode != 0:
        _say(f"{label}: FAILED (exit {measured.returncode}); see {ws.root / f'{label}.log'}")
    _say(f"{label}: {measured.wall_seconds:.1f} s, peak {_gib(measured.memory['peak_rss_bytes'])}")
    return result


def incremental_refreshes(ws: Workspace, args: argparse.Namespace) -> dict[str, object]:
    """`args.incremental_rounds` refreshes, each after adding `args.incremental` new articles.
    A single refresh is a sample of a few tens of seconds that the machine's noise moves by up
    to a tenth, so the verdict takes the median round; the rounds' walls are kept beside it."""
    rounds = []
    for number in range(1, args.incremental_rounds + 1):
        added = generate_corpus.generate_corpus(
            args.incremental, seed=args.seed + 1_000_003 * number, duplicate_share=0.0,
            prefix=f"added{number}-",
        )
        generate_corpus.write_corpus(added, ws.inbox)
        refresh = run_pipeline(ws, args, f"incremental-{number}")
        refresh["articles_added"] = len(added)
        rounds.append(refresh)
    walls = [refresh["wall_seconds"] for refresh in rounds]
    median = statistics.median(walls)
    incremental = dict(min(rounds, key=lambda refresh: abs(refresh["wall_seconds"] - median)))
    incremental["wall_seconds"] = round(median, 3)
    incremental["round_wall_seconds"] = walls
    incremental["memory"] = {
        **incremental["memory"],
        **{
            key: max(refresh["memory"][key] for refresh in rounds)
            for key in ("peak_rss_bytes", "peak_pss_bytes")
        },
    }
    incremental["warehouse"] = warehouse_stats(ws.warehouse)
    incremental["warehouse"].pop("duplicate_files")
    return incremental


def run_events(dagster_home: Path, started_at: float) -> dict[str, object]:
    """Step start/end times and the tagging messages of every run the refresh started (ingest,
    the tag_batch runs side by side, load), from the event log. Step keys get `@<run id>`."""
    import dagster as dg
    from dagster import DagsterEventType as Event

    # Its dagster.yaml finds the event logs through DAGSTER_HOME, which `make bench` sets to the
    # project's own home.
    outer_home = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    try:
        instance = dg.DagsterInstance.from_config(str(dagster_home))
    finally:
        if outer_home is None:
            del os.environ["DAGSTER_HOME"]
        else:
            os.environ["DAGSTER_HOME"] = outer_home
    kinds = {
        Event.RUN_START, Event.RUN_SUCCESS, Event.RUN_FAILURE,
        Event.STEP_START, Event.STEP_SUCCESS, Event.STEP_FAILURE,
    }  # fmt: skip
    steps: dict[str, dict[str, float | str]] = {}
    starts, ends, messages = [], [], []
    try:
        runs = [
            run
            for run in instance.get_runs()
            if (instance.get_run_record_by_id(run.run_id).create_timestamp.timestamp()
                >= started_at - 1)
        ]
        if not runs:
            return {}
        for run in runs:
            for entry in instance.all_logs(run.run_id, of_type=kinds):
                kind = entry.dagster_event.event_type
                key = f"{entry.step_key}@{run.run_id[:8]}"
                if kind == Event.RUN_START:
                    starts.append(entry.timestamp)
                elif kind in (Event.RUN_SUCCESS, Event.RUN_FAILURE):
                    ends.append(entry.timestamp)
                elif kind == Event.STEP_START:
                    steps.setdefault(key, {})["start"] = entry.timestamp
                else:
                    step = steps.setdefault(key, {})
                    step["end"] = entry.timestamp
                    step["status"] = "success" if kind == Event.STEP_SUCCESS else "failure"
            messages += [
                (entry.timestamp, entry.step_key, entry.user_message)
                for entry in instance.all_logs(run.run_id)
                if entry.dagster_event is None
                and entry.step_key in TAGGING_STEPS
            ]
        load = next((run for run in runs if run.job_name == "load"), runs[0])
        status = "success" if all(r.status.value == "SUCCESS" for r in runs) else "failure"
    finally:
        instance.dispose()
    for step in steps.values():
        if "start" in step and "end" in step:
            step["seconds"] = round(step["end"] - step["start"], 3)
    run_start, run_end = (min(starts), max(ends)) if starts and ends else (None, None)
    messages.sort()
    tagging = [m for m in messages if re.match(r"tagging \d+ articles|every batch is tagged", m[2])]
    batches = [
        (round(t - (run_start or t), 2), int(m.group(1)))
        for t, _, text in messages
        if (m := re.match(r"tagged (\d+)/\d+ articles", text))
    ]
    return {
        "run_id": load.run_id,
        "runs": len(runs),
        "status": status,
        "startup_seconds": round(run_start - started_at, 3) if run_start else None,
        "run_seconds": round(run_end - run_start, 3) if run_start and run_end else None,
        "run_end": run_end,
        "steps": steps,
        "nlp_messages": [text for _, _, text in tagging],
        "nlp_batches": batches,  # (seconds since the first run's start, articles tagged so far)
    }


def stage_times(result: dict[str, object]) -> dict[str, float | None]:
    """Seconds per stage: Dagster steps, split further with the wrapper's timers."""
    events = result["events"]
    steps = events.get("steps", {})
    stages: dict[str, float | None] = {}
    for name, matches in STAGES:
        seconds = [
            s.get("seconds", 0.0) for key, s in steps.items() if matches(key.split("@")[0])
        ]
        stages[name] = round(sum(seconds), 3) if seconds else None
    known = [s.get("seconds", 0.0) for s in steps.values()]
    run_seconds = events.get("run_seconds")
    gaps = run_seconds - sum(known) if run_seconds else None
    # tag runs overlap, so their steps can add up to more than the wall time
    stages["orchestration_gaps"] = round(gaps, 3) if gaps is not None and gaps >= 0 else None
    stages["startup"] = events.get("startup_seconds")
    stages["teardown"] = None
    if run_seconds is not None and stages["startup"] is not None:
        stages["teardown"] = round(result["wall_seconds"] - stages["startup"] - run_seconds, 3)
    calls = (result.get("calls") or {}).get("calls", {})

    def spent(*labels: str) -> float:
        return sum(calls.get(label, {}).get("seconds", 0.0) for label in labels)

    tagging = ((result.get("calls") or {}).get("cpu_of") or {}).get("nlp.tag_in_parallel")
    if tagging:
        # the tag runs side by side, wall time: the NLP stage proper, without the load
        stages["tagging"] = tagging["seconds"]
        nlp_steps = [
            s.get("seconds", 0.0) for key, s in steps.items()
            if key.split("@")[0] in LOAD_RUN_TAGGING_STEPS
        ]
        stages["nlp"] = round(tagging["seconds"] + sum(nlp_steps), 3)
    if calls:
        stages["load"] = round(
            spent("load.replace_inbox", "load.load_tags", "load.forget_stale_tags"), 3
        )
        stages["ingest_extract"] = round(spent("ingest.scan_inbox"), 3)
        stages["ingest_dedup"] = round(spent("ingest.mark_duplicates"), 3)
        stages["nlp_rules"] = round(spent(*(k for k in calls if k.startswith("rules."))), 3)
        if stages["nlp"] is not None:
            stages["nlp_without_load"] = round(
                stages["nlp"]
                - spent("load.load_tags", "load.forget_stale_tags")
                - spent("read.untagged_article_ids", "read.article_texts", "read.row_counts"),
                3,
            )
        stages["checks_read"] = round(spent("checks.read_rows"), 3)
        stages["checks_validate"] = round(spent("checks.validate_table"), 3)
    return stages


def dbt_slowest(warehouse: Path, n: int = 6) -> list[tuple[str, float]]:
    """The slowest nodes of the last `dbt build` into `warehouse`, from its run_results.json."""
    from orchestration.project import dbt_target_path
    from orchestration.settings import Settings

    build_database = Settings(warehouse=warehouse, inbox=warehouse.parent).build_database
    found = dbt_target_path(str(build_database)) / "run_results.json"
    if not found.exists():
        return []
    results = json.loads(found.read_text()).get("results", [])
    timed = sorted(((r["unique_id"], r.get("execution_time", 0.0)) for r in results),
                   key=lambda item: -item[1])
    return [(name, round(seconds, 3)) for name, seconds in timed[:n]]


# --------------------------------------------------------------------------- the warehouse


def warehouse_stats(warehouse: Path) -> dict[str, object]:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        def one(sql: str) -> object:
            return conn.execute(sql).fetchone()[0]

        stats = {
            "documents": one("select count(*) from raw.documents"),
            "rejected": one("select count(*) from raw.documents where status = 'rejected'"),
            "articles": one("select count(*) from raw.articles"),
            "duplicates": one("select count(*) from raw.articles where duplicate_of is not null"),
            "words": one("select coalesce(sum(word_count), 0) from raw.articles"),
            "tagged_articles": one("select count(*) from nlp.tagged_articles"),
            "tagged_words": one(
                "select coalesce(sum(a.word_count), 0) from raw.articles as a "
                "join nlp.tagged_articles as t using (article_id)"
            ),
            "sentences": one("select count(*) from nlp.sentences"),
            "sentences_of_duplicates": one(
                "select count(*) from nlp.sentences as s join raw.articles as a "
                "using (article_id) where a.duplicate_of is not null"
            ),
            "duplicate_files": sorted(
                row[0]
                for row in conn.execute(
                    "select source_file from raw.articles where duplicate_of is not null"
                ).fetchall()
            ),
            "marts": {
                name: one(f"select count(*) from marts.{name}")
                for (name,) in conn.execute(
                    "select table_name from information_schema.tables "
                    "where table_schema = 'marts' order by 1"
                ).fetchall()
            },
        }
    return stats


def dump_tagged_bodies(warehouse: Path, out: Path) -> int:
    """The bodies the NLP step tagged, in its order, one JSON string a line."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = conn.execute(
            "select a.body from raw.articles as a join nlp.tagged_articles as t "
            "using (article_id) order by a.source_file, a.story_index"
        ).fetchall()
    with out.open("w", encoding="utf-8") as lines:
        for (body,) in rows:
            lines.write(json.dumps(body, ensure_ascii=False) + "\n")
    return len(rows)


def readme_queries(readme: Path) -> list[str]:
    """The ```sql blocks of the README's "Querying" section."""
    text = readme.read_text(encoding="utf-8")
    section = re.search(r"^## Querying\s*$(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    if not section:
        return []
    return [q.strip() for q in re.findall(r"```sql\n(.*?)```", section.group(1), re.DOTALL)]


def time_queries(warehouse: Path, queries: list[str], repeats: int) -> list[dict[str, object]]:
    """Each query's first run and the median of `repeats` more. Meanwhile the objects this process
    already holds (the corpus, Dagster's modules) are frozen out of the garbage collector: a full
    collection of them takes about 70 ms and lands in whichever query's rows trigger it, a pause
    that a user's session, holding little, does not have."""
    import duckdb

    gc.collect()
    gc.freeze()
    timed = []
    try:
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            for sql in queries:
                started = time.perf_counter()
                rows = conn.execute(sql).fetchall()
                first = (time.perf_counter() - started) * 1000
                again = []
                for _ in range(repeats):
                    started = time.perf_counter()
                    conn.execute(sql).fetchall()
                    again.append((time.perf_counter() - started) * 1000)
                timed.append(
                    {
                        "sql": " ".join(sql.split()),
                        "rows": len(rows),
                        "first_ms": round(first, 2),
                        "median_ms": (
                            round(statistics.median(again), 2) if again else round(first, 2)
                        ),
                        "max_ms": round(max([first, *again]), 2),
                    }
                )
    finally:
        gc.unfreeze()
    return timed


# --------------------------------------------------------------------------- the bare limit


def run_bare(ws: Workspace, args: argparse.Namespace, bodies: Path, variant: str) -> dict:
    command = [
        sys.executable, str(BENCH_DIR / "_bare_nlp.py"), "--bodies", str(bodies),
        "--variant", variant, "--n-process", str(args.bare_processes),
        "--batch-size", str(args.batch_size),
    ]
    if args.model:
        command += ["--model", args.model]
    env = {**os.environ, "PYTHONPATH": str(ws.repo)}
    _say(f"bare limit ({variant}): nlp.pipe(n_process={args.bare_processes})")
    log = ws.root / f"bare-{variant}.log"
    measured = measure(command, env=env, cwd=ws.repo, log=log)
    lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if lines and measured.returncode == 0 else {"error": str(log)}
    result.update(measured.as_dict())
    if "words_per_second" in result:
        _say(f"bare limit ({variant}): {result['pipe_seconds']:.1f} s, "
             f"{result['words_per_second']:.0f} words/s")
    return result


# --------------------------------------------------------------------------- targets


def evaluate(results: dict[str, object], previous_small: dict | None) -> list[dict[str, object]]:
    """One row per target of issue 7: what was measured and whether it passes."""
    build = results["build"]
    stats = results["warehouse"]
    # The limit is the model as shipped; newsledger's own pipeline (a faster attribute ruler,
    # paragraph breaks) is not, or making spaCy's part cheaper would hide what the rules cost.
    bare = results["bare"].get("plain", {})
    rows: list[dict[str, object]] = []
    n = results["corpus"]["articles"]

    def row(target: str, measured: str, passed: bool | None, note: str = "") -> None:
        rows.append({"target": target, "measured": measured, "passed": passed, "note": note})

    nlp_seconds = build["stages"].get("tagging") or build["stages"].get("nlp")
    tagged_words = stats["tagged_words"]
    bare_wps = bare.get("words_per_second")
    if nlp_seconds and bare_wps:
        nlp_wps = tagged_words / nlp_seconds
        ratio = nlp_wps / bare_wps
        row("NLP step throughput >= 0.9 x bare nlp.pipe",
            f"{nlp_wps:,.0f} vs {bare_wps:,.0f} words/s = {ratio:.2f} x",
            ratio >= TARGETS["nlp_throughput_ratio"])
    else:
        row("NLP step throughput >= 0.9 x bare nlp.pipe", "not measured", None)
    nlp_cpu = ((build.get("calls") or {}).get("cpu_of") or {}).get("nlp.tag_in_parallel")
    if nlp_cpu and bare.get("cpu_seconds"):
        step_cpu = nlp_cpu["main_cpu_seconds"] + nlp_cpu["children_cpu_seconds"]
        ratio = bare["cpu_seconds"] / step_cpu
        row("  (same in CPU time, robust to other processes)",
            f"bare {bare['cpu_seconds']:,.0f} CPU-s vs NLP step {step_cpu:,.0f} CPU-s "
            f"(main {nlp_cpu['main_cpu_seconds']:,.0f} + workers "
            f"{nlp_cpu['children_cpu_seconds']:,.0f}) = {ratio:.2f} x",
            ratio >= TARGETS["nlp_throughput_ratio"],
            "on a busy machine the wall ratio cannot beat this")
    own = results["bare"].get("newsledger", {})
    if nlp_cpu and own.get("cpu_seconds"):
        step_cpu = nlp_cpu["main_cpu_seconds"] + nlp_cpu["children_cpu_seconds"]
        row("  (for scale: NLP step vs newsledger's pipeline without the rules, CPU time)",
            f"{own['cpu_seconds']:,.0f} CPU-s vs {step_cpu:,.0f} CPU-s = "
            f"{own['cpu_seconds'] / step_cpu:.2f} x", None,
            "the rest is the rules, reading and writing tag files, Dagster runs")

    wall = build["wall_seconds"]
    if bare.get("pipe_seconds"):
        bare_seconds = bare["pipe_seconds"] + bare["load_seconds"]
        ratio = wall / bare_seconds
        row("full build wall <= 1.3 x bare NLP time",
            f"{wall:,.1f} s vs {bare_seconds:,.1f} s = {ratio:.2f} x",
            ratio <= TARGETS["wall_over_bare"],
            "bare = load + nlp.pipe over the bodies the NLP step tagged")
        all_seconds = bare["load_seconds"] + stats["words"] / bare["words_per_second"]
        row("  (same, bare over every ingested body, duplicates included)",
            f"{wall:,.1f} s vs {all_seconds:,.1f} s = {wall / all_seconds:.2f} x",
            wall / all_seconds <= TARGETS["wall_over_bare"], "bare time scaled by words/s")
        build_cpu, bare_cpu = build["cpu_seconds"], bare["cpu_seconds"]
        ratio = build_cpu / bare_cpu
        row("  (same in CPU time, robust to other processes)",
            f"{build_cpu:,.0f} CPU-s vs {bare_cpu:,.0f} CPU-s = {ratio:.2f} x",
            ratio <= TARGETS["wall_over_bare"], "whole process trees")
    else:
        row("full build wall <= 1.3 x bare NLP time", "not measured", None)

    share = results["corpus"]["near_duplicate_word_share"]
    saved = 1 - tagged_words / stats["words"] if stats["words"] else 0.0
    row("near-duplicates not re-tagged (~30% fewer words)",
        f"{saved:.1%} fewer words tagged; near-duplicates hold {share:.1%}",
        abs(saved - share) <= TARGETS["duplicate_tolerance"],
        f"{stats['duplicates']} of {stats['articles']} articles marked duplicate "
        f"({results['dedup']['generated_found']}/{results['dedup']['generated']} generated found)")

    incremental = results.get("incremental")
    if incremental:
        share_of_build = incremental["wall_seconds"] / wall
        rounds = incremental.get("round_wall_seconds") or [incremental["wall_seconds"]]
        row(f"incremental refresh of {incremental['articles_added']} new articles <= 5% of build",
            f"{incremental['wall_seconds']:,.1f} s = {share_of_build:.1%} of {wall:,.1f} s "
            f"(median of {', '.join(f'{seconds:.1f}' for seconds in rounds)} s)",
            share_of_build <= TARGETS["incremental_share"],
            "" if n >= 10_000 else "target is set at 10,000 articles")

    peak = max(
        build["memory"]["peak_rss_bytes"],
        (incremental or {}).get("memory", {}).get("peak_rss_bytes", 0),
    )
    pss = max(
        build["memory"]["peak_pss_bytes"],
        (incremental or {}).get("memory", {}).get("peak_pss_bytes", 0),
    )
    # PSS splits the pages forked workers share with their parent; an RSS sum counts them in
    # every process, so it overstates what the tree holds (it is shown beside it).
    row("peak memory of the process tree <= 2 GB",
        f"{_gib(pss)} PSS sum ({_gib(peak)} RSS sum)", pss <= TARGETS["peak_memory_bytes"],
        f"largest process {_gib(build['memory']['peak_largest_process_rss_bytes'])} RSS")
    if previous_small and n > previous_small["corpus"]["articles"]:
        small = previous_small["build"]["memory"]["peak_pss_bytes"]
        growth = pss / small - 1
        row(f"peak memory within 20% of the {previous_small['corpus']['articles']:,}-article run",
            f"{_gib(pss)} vs {_gib(small)} PSS = {growth:+.0%}",
            growth <= TARGETS["memory_growth"],
            f"from {previous_small.get('result_file', 'an earlier run')}")
    else:
        row("peak memory within 20% of the 1,000-article run", "needs a 10,000-article run", None)

    queries = results.get("queries") or []
    for number, query in enumerate(queries, start=1):
        row(f"README query {number} < 200 ms",
            f"{query['median_ms']:.1f} ms (first {query['first_ms']:.1f} ms, {query['rows']} rows)",
            query["max_ms"] < TARGETS["query_ms"],
            "" if n >= 10_000 else "target is set at 10,000 articles")
    return rows


STAGE_ROWS = (  # (label, key of `stage_times`)
    ("startup (imports, dbt parse, definitions)", "startup"),
    ("ingest step", "ingest"),
    ("  of which reading the inbox", "ingest_extract"),
    ("  of which near-duplicate marking", "ingest_dedup"),
    ("NLP step", "nlp"),
    ("  of which rules on the Docs (main process)", "nlp_rules"),
    ("load (raw.* and nlp.* writes, inside the steps above)", "load"),
    ("dbt build", "dbt"),
    ("checks (Great Expectations)", "checks"),
    ("  of which reading the rows to validate into pandas", "checks_read"),
    ("publish", "publish"),
    ("docs (dbt docs, Data Docs, report)", "docs"),
    ("between steps and runs (Dagster)", "orchestration_gaps"),
    ("teardown (summary, exit)", "teardown"),
)


def stage_table(what: str, stages: dict[str, float | None], wall: float) -> list[str]:
    lines = [f"| stage of {what} | seconds | share of wall |", "|---|---:|---:|"]
    for label, key in STAGE_ROWS:
        value = stages.get(key)
        if value is not None:
            lines.append(f"| {label} | {value:,.1f} | {value / wall:.1%} |")
    lines.append(f"| **total wall** | **{wall:,.1f}** | 100% |")
    return lines


def markdown(results: dict[str, object]) -> str:
    corpus, build, stats = results["corpus"], results["build"], results["warehouse"]
    stages = build["stages"]
    lines = [
        f"## newsledger bench: {corpus['articles']:,} articles, {corpus['words']:,} words "
        f"({corpus['near_duplicates']} near-duplicates), {results['meta']['cpus']} CPUs",
        "",
        "| target (issue 7) | measured | result | note |",
        "|---|---|---|---|",
    ]
    for row in results["targets"]:
        verdict = {True: "PASS", False: "**FAIL**", None: "n/a"}[row["passed"]]
        lines.append(f"| {row['target']} | {row['measured']} | {verdict} | {row['note']} |")
    wall = build["wall_seconds"]
    lines += ["", *stage_table("the full build", stages, wall)]
    articles_per_s = stats["articles"] / wall
    words_per_s = stats["words"] / wall
    lines += [
        "",
        f"full build: {articles_per_s:,.1f} articles/s, {words_per_s:,.0f} words/s over "
        f"{stats['articles']:,} articles; NLP step tagged {stats['tagged_articles']:,} articles "
        f"({stats['tagged_words']:,} words) in {stages.get('nlp') or 0:,.1f} s",
    ]
    refresh = results.get("incremental")
    if refresh and refresh.get("stages"):
        what = f"the refresh of {refresh['articles_added']} new articles (the median round)"
        lines += ["", *stage_table(what, refresh["stages"], refresh["wall_seconds"])]
    for variant, bare in results["bare"].items():
        if "words_per_second" in bare:
            lines.append(
                f"bare {variant} ({'+'.join(bare['pipe_names'])}): "
                f"load {bare['load_seconds']:.1f} s "
                f"+ pipe {bare['pipe_seconds']:,.1f} s = {bare['words_per_second']:,.0f} words/s, "
                f"{bare['docs_per_second']:.1f} docs/s; "
                f"peak {_gib(bare['memory']['peak_rss_bytes'])}"
            )
    for label, part in (("build", build), *((f"bare {k}", v) for k, v in results["bare"].items())):
        if "other_processes_cpu_seconds" in part:
            other = part["other_processes_cpu_seconds"]
            lines.append(
                f"noise during {label}: other processes used {other:,.0f} CPU-s "
                f"({other / part['wall_seconds']:.2f} of {results['meta']['cpus']} cores on "
                f"average); load average after {part['load_average_after']}"
            )
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=int(os.environ.get("ARTICLES") or 1000))
    parser.add_argument("--duplicate-share", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--incremental", type=int, default=10,
                        help="articles added before each refresh (0: skip)")
    parser.add_argument("--incremental-rounds", type=int, default=3,
                        help="refreshes, each after adding --incremental articles (0: skip)")
    parser.add_argument("--nlp-processes", type=int, default=1, help="NEWSLEDGER_NLP_PROCESSES")
    parser.add_argument("--bare-processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batch-size", type=int, default=16, help="NEWSLEDGER_NLP_BATCH_SIZE")
    parser.add_argument("--model", default=None, help="NEWSLEDGER_SPACY_MODEL if set")
    parser.add_argument("--bare", default="newsledger,plain",
                        help="bare variants to run: plain (spacy.load; the targets' limit), "
                        "newsledger (build_nlp)")
    parser.add_argument("--query-repeats", type=int, default=5)
    parser.add_argument("--repo", type=Path, default=BENCH_DIR.parent,
                        help="the newsledger checkout to run (default: this one)")
    parser.add_argument("--workdir", type=Path, help="default: a new temporary folder")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--results-dir", type=Path, default=BENCH_DIR / "results")
    parser.add_argument("--plain-cli", action="store_true",
                        help="run `python -m orchestration run` without the step timers")
    parser.add_argument("--report", type=Path,
                        help="print the tables of an earlier result file and exit")
    args = parser.parse_args(argv)
    if args.report:
        results = json.loads(args.report.read_text())
        for run in (results["build"], results.get("incremental")):
            if run:
                run["stages"] = stage_times(run)
        smaller = latest_small(args.results_dir, results["corpus"]["articles"])
        results["targets"] = evaluate(results, smaller)
        print(markdown(results))
        return 0

    repo = args.repo.resolve()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="newsledger-bench-"))
    if args.workdir and root.exists():
        shutil.rmtree(root)
    ws = Workspace(root=root.resolve(), repo=repo)
    ws.prepare()
    now = dt.datetime.now(dt.UTC)
    results: dict[str, object] = {
        "meta": meta(repo, args, now),
        "targets_set": TARGETS,
    }
    try:
        run_all(ws, args, results)
    finally:
        if not args.keep:
            shutil.rmtree(ws.root, ignore_errors=True)
        else:
            _say(f"kept {ws.root}")

    previous = latest_small(args.results_dir, args.articles)
    results["targets"] = evaluate(results, previous)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    name = f"{now:%Y%m%dT%H%M%SZ}-{args.articles}.json"
    text = json.dumps(results, indent=1, default=str)
    (args.results_dir / name).write_text(text)
    (args.results_dir / "latest.json").write_text(text)
    (args.results_dir / f"latest-{args.articles}.json").write_text(text)
    print()
    print(markdown(results))
    print(f"\nresults: {args.results_dir / name}")
    return 0 if results["build"]["returncode"] == 0 else 1


def run_all(ws: Workspace, args: argparse.Namespace, results: dict[str, object]) -> None:
    _say(f"work folder {ws.root}; repo {ws.repo}")
    corpus = generate_corpus.generate_corpus(
        args.articles, seed=args.seed, duplicate_share=args.duplicate_share
    )
    generate_corpus.write_corpus(corpus, ws.inbox)
    generate_corpus.write_manifest(corpus, ws.root / "manifest.jsonl")
    results["corpus"] = generate_corpus.summary(corpus)
    _say(f"corpus: {json.dumps(results['corpus'])}")

    results["build"] = build = run_pipeline(ws, args, "build")
    if build["returncode"] != 0 or not ws.warehouse.exists():
        raise SystemExit(f"the build failed; see {ws.root / 'build.log'} (use --keep)")
    results["warehouse"] = stats = warehouse_stats(ws.warehouse)
    generated = {a.file_name for a in corpus if a.duplicate_of}
    found = set(stats.pop("duplicate_files"))
    results["dedup"] = {
        "generated": len(generated),
        "generated_found": len(generated & found),
        "also_marked": len(found - generated),  # originals that happen to repeat each other
        "words_ingested": stats["words"],
        "words_tagged": stats["tagged_words"],
        "words_saved_share": round(1 - stats["tagged_words"] / stats["words"], 4),
        "near_duplicate_word_share": results["corpus"]["near_duplicate_word_share"],
        "nlp_log": build["events"].get("nlp_messages"),
    }

    queries = readme_queries(ws.repo / "README.md")
    results["queries"] = time_queries(ws.warehouse, queries, args.query_repeats)
    _say(f"README queries: {[q['median_ms'] for q in results['queries']]} ms")

    bodies = ws.root / "tagged-bodies.jsonl"
    n_bodies = dump_tagged_bodies(ws.warehouse, bodies)

    if args.incremental and args.incremental_rounds:
        results["incremental"] = incremental_refreshes(ws, args)

    results["bare"] = {}
    for variant in [v for v in args.bare.split(",") if v]:
        results["bare"][variant] = run_bare(ws, args, bodies, variant)
        results["bare"][variant]["bodies"] = n_bodies


def latest_small(results_dir: Path, articles: int) -> dict | None:
    """The newest result of a smaller corpus (1,000 articles if there is one), for growth."""
    if articles <= 1000:
        return None
    path = results_dir / "latest-1000.json"
    if not path.exists():
        return None
    previous = json.loads(path.read_text())
    previous["result_file"] = path.name
    return previous


def meta(repo: Path, args: argparse.Namespace, now: dt.datetime) -> dict[str, object]:
    def git(*command: str) -> str:
        done = subprocess.run(["git", *command], cwd=repo, capture_output=True, text=True)
        return done.stdout.strip()

    return {
        "started": now.isoformat(),
        "repo": str(repo),
        "git_head": git("rev-parse", "HEAD"),
        "git_dirty": git("status", "--porcelain").splitlines(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "memory_total_bytes": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"),
        "load_average_before": tuple(round(v, 2) for v in os.getloadavg()),
        "args": {k: str(v) for k, v in vars(args).items()},
    }


def _gib(value: object) -> str:
    return f"{int(value) / GB:.2f} GiB"


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
