"""Faults, for real: SIGKILLed runs, refreshes launched at once, readers holding the files, bad
configuration, and article text that looks like SQL, Jinja or shell.

Refreshes run as `python -m orchestration run` (what `make run` does) in their own process
groups, with a private DAGSTER_HOME and warehouse under a temporary folder, on an inbox of short
stories generated here. One inbox goes through one history, each phase a fixture:

1. a run SIGKILLed while its tag_batch runs tag (no warehouse published yet);
2. two runs launched at once, which finish the job;
3. the inbox changes (a file edited, one deleted, 20 added, one of hostile text), and a run is
   SIGKILLed while dbt loads the marts;
4. a run completes while an analyst holds the published file open, another reader polls it, and
   a third process holds the build database first at the start and again when dbt starts.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from extract.nlp import DEFAULT_MODEL, ArticleText
from orchestration import database as database_module
from orchestration.cli import main, run_refresh
from orchestration.resources import NlpPipeline
from orchestration.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.slow

DAGSTER_YAML = PROJECT_ROOT / ".dagster_home" / "dagster.yaml"
N_STORIES = 150
BATCH_SIZE = 2  # NEWSLEDGER_NLP_BATCH_SIZE: articles per spaCy batch
TAG_BATCH = 8  # NEWSLEDGER_TAG_BATCH_ARTICLES: articles per tag_batch run, loaded whole
RUN_TIMEOUT = 600  # seconds; a hang fails the test instead of blocking the suite

# The public contract's marts and their keys, and the nlp tables' keys.
MART_KEYS = {
    "articles": "article_id",
    "sources": "source_id",
    "actors": "actor_id",
    "claims": "claim_id",
    "events": "event_id",
    "quantities": "quantity_id",
}
NLP_KEYS = {
    "sentences": "sentence_index",
    "entity_mentions": "mention_index",
    "quotes": "claim_index",
    "event_mentions": "event_index",
    "quantities": "quantity_index",
}

# What a reader of the published file sees, in one query: counts, and whether they agree.
SNAPSHOT_SQL = """
select
    (select count(*) from raw.articles) as raw_articles,
    (select count(*) from marts.articles) as articles,
    (select count(*) from nlp.quotes) as quotes,
    (select count(*) from marts.claims) as claims,
    (select count(*) from nlp.quantities) as nlp_quantities,
    (select count(*) from marts.quantities) as quantities,
    (select count(*) from marts.events) as events,
    (select count(*) from marts.actors) as actors,
    (select count(*) from marts.sources) as sources,
    (select count(*) from raw.articles where duplicate_of is null
        and article_id not in (select article_id from nlp.tagged_articles)) as untagged,
    (select md5(string_agg(article_id, ',' order by article_id)) from marts.articles) as ids
"""

# A process that opens a DuckDB file read-only on "open" (waiting for a writer to let go), runs
# SNAPSHOT_SQL on "snapshot" and closes it on "close": an analyst, or a reader of the build file.
READER = """
import json, sys, time, duckdb
path, sql, conn = sys.argv[1], sys.argv[2], None
for command in sys.stdin:
    command = command.strip()
    if command == "open":
        deadline = time.monotonic() + 120
        while conn is None:
            try:
                conn = duckdb.connect(path, read_only=True)
            except duckdb.IOException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        print("opened", flush=True)
    elif command == "snapshot":
        row = conn.execute(sql).fetchone()
        print(json.dumps([str(v) for v in row]), flush=True)
    elif command == "close":
        conn.close()
        conn = None
        print("closed", flush=True)
"""

HOSTILE_TITLE = "Ministry site shows '; drop table marts.claims; -- and {{ config(x) }}"
HOSTILE_PARAGRAPHS = (
    "LONDON (Reuters) \u2014 A message posted on the ministry website on Monday read "
    "'; drop table marts.claims; -- and nothing else, a spokesperson for the ministry said.",
    "A second post showed {{ config(x) }} and then {% raw %} before the page went blank.",
    "A third post said $(rm -rf /) and `reboot` && echo pwned > /etc/passwd; cat $HOME | sh, "
    "the spokesperson said, adding that no systems had been affected.",
)
HOSTILE_STORY = HOSTILE_TITLE + "\n\n" + "\n\n".join(HOSTILE_PARAGRAPHS) + "\n"
EDITED_STORY = """Ferries cancelled as storm closes the harbour

OSLO, Norway (AP) \u2014 Officials in Oslo said on Friday that 37 ferries were cancelled after a
storm closed the harbour overnight.

"We expect the harbour to reopen on Sunday," Harbour Master Ingrid Holm told reporters.
"""

# Sentences written for these tests; fillers vary so that stories are not near duplicates.
PEOPLE = ("Maria Kovacs", "Daniel Okafor", "Elena Marsh", "Tomasz Wren", "Aisha Bello",
          "Victor Lund", "Hana Sato", "Peter Grieve", "Sofia Ramos", "Oleg Brandt",
          "Nadia Farouk", "Lucas Pereira", "Ingrid Holm", "Samuel Achebe", "Mei Lin Zhao")
TITLES = ("Interior Minister", "Defense Minister", "Governor", "Foreign Minister", "Mayor")
ORGS = ("the United Nations", "NATO", "the Red Cross", "the European Union", "the World Bank")
PLACES = (("Kyiv", "Ukraine"), ("Warsaw", "Poland"), ("Bangkok", "Thailand"),
          ("Nairobi", "Kenya"), ("Lima", "Peru"), ("Seoul", "South Korea"),
          ("Ankara", "Turkey"), ("Manila", "Philippines"), ("Cairo", "Egypt"), ("Oslo", "Norway"))
OUTLETS = {"AP": "Associated Press", "Reuters": "Reuters", "AFP": "AFP"}
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
THINGS = ("bridge", "power station", "rail depot", "grain terminal", "fuel depot", "border post")
HEADLINES = ("{n} drones downed near {city}", "Talks in {city} stall as strikes continue",
             "{country} tightens sanctions", "Aid arrives in {city} after floods",
             "Protesters detained in {city}", "Deadly fire at {city} {thing}")
LEADS = (
    "{country} said on {day} that its air defenses shot down {n} drones over the {thing}.",
    "At least {n} people were killed when a missile struck a {thing} near {city} on {day}, "
    "officials said.",
    "Police in {city} arrested {n} protesters outside the parliament building on {day}.",
    "{country} announced sanctions on {day} against {n} companies accused of supplying weapons.",
    "A fire at a {thing} in {city} killed {n} workers on {day}, the local governor said.",
    "{org} pledged {n} million dollars in aid on {day} for families displaced by the floods.",
    "Leaders from {country} and its neighbours met in {city} on {day} to discuss a ceasefire.",
)
SENTENCES = (
    "{title} {person} told reporters that {n} soldiers had been sent to the border.",
    "\u201cWe will not accept this,\u201d {title} {person} said in a statement.",
    "{person}, a spokesperson for {org}, said the talks would resume next week.",
    "According to the ministry, {n} civilians were wounded in the attack on the {thing}.",
    "\u201cThe situation remains very difficult for the people of {city},\u201d said {person}.",
    "{person} warned that further strikes could follow if the negotiations failed.",
    "Residents described hearing loud explosions shortly after midnight.",
    "The {thing} had been repaired only {n} days earlier, the operator said.",
    "{org} said it would send {n} trucks of food and medicine to {city}.",
    "Voters in {country} go to the polls next month in an election seen as a test for {person}.",
    "The two governments signed an agreement on energy cooperation, {person} said.",
    "{title} {person} said {n} suspects had been detained after the attack.",
    "\u201cWe are doing everything we can,\u201d {person} told the {agency} news agency.",
    "Officials said damage to the {thing} would take weeks to repair.",
    "It was not immediately possible to verify the claims independently.",
)


def story(rng: random.Random, number: int) -> str:
    """A short wire story with a headline, a dateline, quotes, events and figures."""
    city, country = rng.choice(PLACES)
    outlet = rng.choice(list(OUTLETS))

    def fill(template: str) -> str:
        text = template.format(
            city=city, country=country, day=rng.choice(DAYS), n=rng.randint(2, 950),
            thing=rng.choice(THINGS), org=rng.choice(ORGS), person=rng.choice(PEOPLE),
            title=rng.choice(TITLES), agency=OUTLETS[outlet],
        )
        return text[0].upper() + text[1:]

    paragraphs = [f"{city.upper()}, {country} ({outlet}) \u2014 {fill(rng.choice(LEADS))}"]
    paragraphs += [fill(s) for s in rng.sample(SENTENCES, rng.randint(4, 7))]
    headline = fill(rng.choice(HEADLINES))
    return f"{headline} (report {number})\n\n" + "\n\n".join(paragraphs) + "\n"


def write_stories(inbox: Path, numbers: range, seed: int) -> None:
    rng = random.Random(seed)
    inbox.mkdir(parents=True, exist_ok=True)
    for number in numbers:
        (inbox / f"story_{number:03d}.txt").write_text(story(rng, number), encoding="utf-8")


class Refresh:
    """`python -m orchestration run` in its own process group; its output read as it comes."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "orchestration", "run"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[tuple[float, str]] = []  # (time.monotonic(), line)
        self._pending: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append((time.monotonic(), line))
            self._pending.put(line)
        self._pending.put(None)

    @property
    def output(self) -> str:
        return "".join(line for _, line in self.lines)

    def wait_for(self, pattern: str, timeout: float = RUN_TIMEOUT) -> re.Match:
        """The next output line matching `pattern`; fails if the run ends or stalls first."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._pending.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise AssertionError(f"no {pattern!r} in {timeout}s:\n{self.tail()}") from None
            if line is None:
                raise AssertionError(f"the run ended before {pattern!r}:\n{self.tail()}")
            if found := re.search(pattern, line):
                return found

    def first_time(self, pattern: str) -> float:
        return next(t for t, line in self.lines if re.search(pattern, line))

    def kill(self) -> None:
        """SIGKILL to the run's process only, as `kill -9 <pid>` does: a dbt child lives on."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._reader.join(timeout=30)

    def finish(self, timeout: float = RUN_TIMEOUT) -> int:
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise AssertionError(f"the run did not end in {timeout}s:\n{self.tail()}") from None
        self._reader.join(timeout=30)
        return code

    def stop(self) -> None:
        """Kills whatever is left of the run's process group (an orphaned dbt, say)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def tail(self, n: int = 40) -> str:
        return "".join(line for _, line in self.lines[-n:])


class Reader:
    """A separate process holding (or not) a read-only DuckDB connection, driven line by line."""

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", READER, str(path), SNAPSHOT_SQL],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def _ask(self, command: str) -> str:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        assert answer, f"the reader died on {command!r}"
        return answer

    def open(self) -> float:
        assert self._ask("open") == "opened"
        return time.monotonic()

    def snapshot(self) -> list[str]:
        return json.loads(self._ask("snapshot"))

    def close(self) -> float:
        assert self._ask("close") == "closed"
        return time.monotonic()

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


class PublishedPoller(threading.Thread):
    """Opens the published file every 0.2 s, reads a snapshot and closes it, like a dashboard."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.seen: list[list[str] | str] = []
        self._done = threading.Event()

    def run(self) -> None:
        while True:
            stopping = self._done.is_set()  # one last look after the run ended
            try:
                self.seen.append(snapshot(self.path))
            except duckdb.Error as error:
                self.seen.append(f"{type(error).__name__}: {error}")
            if stopping:
                return
            self._done.wait(0.2)

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=30)


class FirstPublishCopier(threading.Thread):
    """Watches the published path and keeps a copy of the first file swapped in there."""

    def __init__(self, path: Path, copy: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.copy = path, copy
        self.inodes: list[int] = []
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.02):
            try:
                if os.stat(self.path).st_ino in self.inodes:
                    continue
                with open(self.path, "rb") as published:
                    inode = os.fstat(published.fileno()).st_ino
                    if inode not in self.inodes:
                        self.inodes.append(inode)
                        if len(self.inodes) == 1:  # a published file is never written in place
                            with open(self.copy, "wb") as copy:
                                shutil.copyfileobj(published, copy)
            except FileNotFoundError:
                continue

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=30)


def snapshot(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return [str(v) for v in conn.execute(SNAPSHOT_SQL).fetchone()]


def query(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def problems(path: Path) -> list[str]:
    """What is wrong with a warehouse file: missing or duplicated tags, keys or rows."""
    found = []

    def check(label: str, sql: str) -> None:
        if n := query(path, sql)[0][0]:
            found.append(f"{label}: {n}")

    check("originals without tags", "select count(*) from raw.articles where duplicate_of is null "
          "and article_id not in (select article_id from nlp.tagged_articles)")
    check("tags of articles that are not originals", "select count(*) from nlp.tagged_articles "
          "where article_id not in "
          "(select article_id from raw.articles where duplicate_of is null)")
    check("articles tagged more than once", "select count(*) - count(distinct article_id) "
          "from nlp.tagged_articles")
    for table, index in NLP_KEYS.items():
        check(f"duplicate nlp.{table} keys", f"select count(*) - count(distinct (article_id, "
              f"{index})) from nlp.{table}")
        check(f"nlp.{table} rows of untagged articles", f"select count(*) from nlp.{table} where "
              "article_id not in (select article_id from nlp.tagged_articles)")
    check("tagged articles without sentences", "select count(*) from nlp.tagged_articles where "
          "article_id not in (select article_id from nlp.sentences)")
    for mart, key in MART_KEYS.items():
        check(f"duplicate or null marts.{mart} keys", f"select count(*) - count(distinct {key}) "
              f"from marts.{mart}")
    check("raw articles missing from marts.articles", "select count(*) from raw.articles where "
          "article_id not in (select article_id from marts.articles)")
    check("marts.articles rows not in raw.articles", "select count(*) from marts.articles where "
          "article_id not in (select article_id from raw.articles)")
    check("claims not matching nlp.quotes", "select abs((select count(*) from marts.claims) - "
          "(select count(*) from nlp.quotes))")
    check("quantities not matching nlp.quantities", "select abs((select count(*) from "
          "marts.quantities) - (select count(*) from nlp.quantities))")
    for mart in ("claims", "events", "quantities"):
        check(f"marts.{mart} rows of unknown articles", f"select count(*) from marts.{mart} where "
              "article_id not in (select article_id from marts.articles)")
    return found


@dataclasses.dataclass
class Scene:
    root: Path
    inbox: Path
    home: Path
    warehouse: Path
    build: Path
    env: dict[str, str]
    refreshes: list[Refresh] = dataclasses.field(default_factory=list)
    readers: list[Reader] = dataclasses.field(default_factory=list)

    def refresh(self) -> Refresh:
        self.refreshes.append(Refresh(self.env))
        return self.refreshes[-1]

    def reader(self, path: Path) -> Reader:
        self.readers.append(Reader(path))
        return self.readers[-1]


def run_env(inbox: Path, warehouse: Path, home: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a refresh; without a DAGSTER_HOME the CLI uses an ephemeral instance."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSLEDGER_", "DAGSTER_"))}
    env.update(
        NEWSLEDGER_INBOX=str(inbox),
        NEWSLEDGER_WAREHOUSE=str(warehouse),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        **extra,
    )
    if home is not None:
        env["DAGSTER_HOME"] = str(home)
    return env


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Iterator[Scene]:
    root = tmp_path_factory.mktemp("faults")
    inbox, home = root / "inbox", root / "dagster_home"
    write_stories(inbox, range(N_STORIES), seed=8)
    home.mkdir()
    shutil.copy(DAGSTER_YAML, home / "dagster.yaml")
    warehouse = root / "warehouse" / "warehouse.duckdb"
    settings = Settings(warehouse=warehouse, inbox=inbox)
    env = run_env(inbox, warehouse, home, NEWSLEDGER_NLP_BATCH_SIZE=str(BATCH_SIZE),
                  NEWSLEDGER_TAG_BATCH_ARTICLES=str(TAG_BATCH))
    scene = Scene(root, inbox, home, warehouse, settings.build_database, env)
    yield scene
    for process in scene.refreshes:
        process.stop()
    for reader in scene.readers:
        reader.process.kill()


# Phase 1 ---------------------------------------------------------------------------------------


@dataclasses.dataclass
class KilledWhileTagging:
    pending: int
    tagged_ids: list[str]  # articles of the batches whose tag files were whole at the kill
    half_tagged_batches: list[str]
    published_exists: bool
    loaded: int  # nlp.tagged_articles rows
    nlp_rows: int
    unfinished_runs: int  # runs the kill left marked in progress (a worker may end its own)


def batch_folders(scene: Scene) -> dict[str, tuple[list[str], list[str] | None]]:
    """Every batch folder: its article ids, and the article ids of its tag files if any."""
    found = {}
    for folder in sorted((scene.build.parent / "tagging").glob("[!.]*")):
        ids = json.loads((folder / "batch.json").read_text())["article_ids"]
        tags = folder / "tags"
        tagged = None
        if tags.exists():
            names = sorted(p.name for p in tags.iterdir())
            assert names == sorted(f"{t}.parquet" for t in NLP_KEYS), folder.name
            with duckdb.connect() as conn:
                tagged = [r[0] for r in conn.execute(
                    "select distinct article_id from read_parquet(?)",
                    [str(tags / "sentences.parquet")],
                ).fetchall()]
        found[folder.name] = (ids, tagged)
    return found


@pytest.fixture(scope="module")
def killed_while_tagging(scene: Scene, instance_kept_in) -> KilledWhileTagging:
    run = scene.refresh()
    pending = int(run.wait_for(r"tagging (\d+) articles").group(1))
    run.wait_for(r"tagged \d+/\d+ articles in \d+/")
    run.wait_for(r"tagged \d+/\d+ articles in \d+/")  # two batches tagged
    run.wait_for(r"tag_one_batch - tagged \d+/\d+ articles \(")  # and a third under way
    run.kill()
    time.sleep(2)  # its tag workers notice their parent is gone and end
    batches = batch_folders(scene)
    tagged_ids = [i for ids, tagged in batches.values() if tagged is not None for i in ids]
    half = [key for key, (ids, tagged) in batches.items()
            if tagged is not None and sorted(tagged) != sorted(ids)]
    loaded = query(scene.build, "select count(*) from nlp.tagged_articles")[0][0]
    nlp_rows = sum(query(scene.build, f"select count(*) from nlp.{t}")[0][0] for t in NLP_KEYS)
    return KilledWhileTagging(
        pending, tagged_ids, half, scene.warehouse.exists(), loaded, nlp_rows,
        unfinished_runs(scene.home, instance_kept_in),
    )


def unfinished_runs(home: Path, instance_kept_in) -> int:
    with instance_kept_in(home) as instance:
        return sum(not r.dagster_run.is_finished for r in instance.get_run_records())


def test_a_run_killed_while_tagging_keeps_whole_batches_and_publishes_nothing(
    killed_while_tagging: KilledWhileTagging,
) -> None:
    killed = killed_while_tagging
    assert killed.pending == N_STORIES
    assert 0 < len(killed.tagged_ids) < N_STORIES
    assert killed.half_tagged_batches == [], "a batch's tag files were half written"
    assert killed.loaded == killed.nlp_rows == 0, "tags were loaded before every batch was tagged"
    assert not killed.published_exists


# Phase 2 ---------------------------------------------------------------------------------------


@dataclasses.dataclass
class RanTwiceAtOnce:
    codes: list[int]
    outputs: list[str]
    published_inodes: list[int]
    first_published: Path
    steps: dict[str, list[tuple[float, float, str]]]  # run id -> (start, end, step)
    jobs: list[str]  # the job of every run, oldest first


@pytest.fixture(scope="module")
def ran_twice_at_once(
    scene: Scene, killed_while_tagging: KilledWhileTagging, instance_kept_in
) -> RanTwiceAtOnce:
    copier = FirstPublishCopier(scene.warehouse, scene.root / "first_published.duckdb")
    copier.start()
    runs = [scene.refresh(), scene.refresh()]
    codes = [run.finish() for run in runs]
    copier.stop()
    return RanTwiceAtOnce(
        codes, [run.output for run in runs], copier.inodes, copier.copy,
        step_spans(scene.home, instance_kept_in), run_jobs(scene.home, instance_kept_in),
    )


def run_jobs(home: Path, instance_kept_in) -> list[str]:
    with instance_kept_in(home) as instance:
        return [record.dagster_run.job_name for record in instance.get_run_records()][::-1]


def step_spans(home: Path, instance_kept_in) -> dict[str, list[tuple[float, float, str]]]:
    """Every step of every run recorded in a DAGSTER_HOME, as (start, end, step key)."""
    spans = {}
    with instance_kept_in(home) as instance:
        for record in instance.get_run_records():
            run_id, started = record.dagster_run.run_id, {}
            spans[run_id] = []
            for entry in instance.all_logs(run_id):
                event = entry.dagster_event
                if event is None or not event.step_key:
                    continue
                if event.event_type_value == "STEP_START":
                    started[event.step_key] = entry.timestamp
                elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
                    start = started.pop(event.step_key)
                    spans[run_id].append((start, entry.timestamp, event.step_key))
    return spans


def test_the_runs_after_a_kill_free_its_writer_slot_and_complete(
    scene: Scene, killed_while_tagging: KilledWhileTagging, ran_twice_at_once: RanTwiceAtOnce,
    instance_kept_in,
) -> None:
    pair = ran_twice_at_once
    assert pair.codes == [0, 0], "\n\n".join(o[-3000:] for o in pair.outputs)
    freed = any("its writer slot is free again" in output for output in pair.outputs)
    assert freed is (killed_while_tagging.unfinished_runs > 0)
    assert unfinished_runs(scene.home, instance_kept_in) == 0


def test_the_batches_tagged_before_the_kill_are_not_tagged_again(
    killed_while_tagging: KilledWhileTagging, ran_twice_at_once: RanTwiceAtOnce
) -> None:
    rest = N_STORIES - len(killed_while_tagging.tagged_ids)
    assert [f"tagging {rest} articles:" in output for output in ran_twice_at_once.outputs] in (
        [True, False], [False, True]
    ), "the first run tags what the killed one left, the second nothing"


def test_after_the_kill_every_article_is_tagged_exactly_once(
    scene: Scene, ran_twice_at_once: RanTwiceAtOnce
) -> None:
    assert problems(scene.warehouse) == []
    assert query(scene.warehouse, "select count(*) from marts.articles") == [(N_STORIES,)]


def test_tags_committed_before_the_kill_equal_a_fresh_tagging(
    scene: Scene, killed_while_tagging: KilledWhileTagging, ran_twice_at_once: RanTwiceAtOnce
) -> None:
    # The articles the killed run tagged, and as many it had not, tagged again here.
    tagged = killed_while_tagging.tagged_ids
    rows = query(
        scene.warehouse,
        "select article_id, body, published_date from raw.articles "
        "where list_contains(?, article_id) or article_id in (select article_id from "
        "raw.articles where not list_contains(?, article_id) order by source_file limit ?)",
        [tagged, tagged, TAG_BATCH],
    )
    tagged = list(NlpPipeline(model=DEFAULT_MODEL).tag(ArticleText(*row) for row in rows))
    ids = [row[0] for row in rows]
    for table in NLP_KEYS:
        field = {"entity_mentions": "mentions", "event_mentions": "events"}.get(table, table)
        expected = sorted(dataclasses.astuple(r) for t in tagged for r in getattr(t, field))
        stored = sorted(query(
            scene.warehouse, f"select * from nlp.{table} where list_contains(?, article_id)", [ids]
        ))
        assert stored == expected, table


def test_two_runs_launched_at_once_take_turns_on_the_writer_pool(
    ran_twice_at_once: RanTwiceAtOnce, scene: Scene
) -> None:
    # The killed refresh's ingest and tag runs, then the two refreshes' ingest, tag and load runs.
    jobs = ran_twice_at_once.jobs
    assert jobs[0] == "ingest" and jobs.count("ingest") == 3 and jobs.count("load") == 2, jobs
    assert set(jobs) == {"ingest", "tag_batch", "load"}
    spans = [
        (start, end, step, run_id)
        for run_id, ss in ran_twice_at_once.steps.items()
        for start, end, step in ss
        if step != "tag_one_batch"  # tag runs hold no writer slot
    ]
    overlapping = [
        (a, b) for a in spans for b in spans if a[3] < b[3] and a[0] < b[1] and b[0] < a[1]
    ]
    assert overlapping == [], "steps of two runs held the writer pool at once"
    assert len(ran_twice_at_once.published_inodes) == 2, "each run publishes once"


def test_the_same_inbox_refreshed_twice_gives_identical_marts(
    scene: Scene, ran_twice_at_once: RanTwiceAtOnce, every_mart
) -> None:
    first, second = every_mart(ran_twice_at_once.first_published), every_mart(scene.warehouse)
    assert set(first) >= set(MART_KEYS)
    assert first == second


# Phase 3 ---------------------------------------------------------------------------------------


EDITED, DELETED = "story_010.txt", "story_020.txt"


@dataclasses.dataclass
class KilledWhileLoading:
    published_before: str  # sha256
    published_after: str
    snapshot_before: list[str]
    old_ids: dict[str, str]  # file -> its article id before the change
    leftovers: list[str]


@pytest.fixture(scope="module")
def killed_while_loading(scene: Scene, ran_twice_at_once: RanTwiceAtOnce) -> KilledWhileLoading:
    before, snapshot_before = sha256(scene.warehouse), snapshot(scene.warehouse)
    old_ids = dict(query(
        scene.warehouse, "select source_file, article_id from raw.articles where source_file in "
        f"('{EDITED}', '{DELETED}')"
    ))
    (scene.inbox / EDITED).write_text(EDITED_STORY, encoding="utf-8")
    (scene.inbox / DELETED).unlink()
    (scene.inbox / "hostile.txt").write_text(HOSTILE_STORY, encoding="utf-8")
    write_stories(scene.inbox, range(N_STORIES, N_STORIES + 20), seed=9)
    run = scene.refresh()
    run.wait_for(r"Running dbt command")
    run.wait_for(r"OK created sql incremental model marts\.")
    run.kill()
    leftovers = sorted(p.name for p in scene.warehouse.parent.iterdir() if p.name.endswith(".tmp"))
    return KilledWhileLoading(
        before, sha256(scene.warehouse), snapshot_before, old_ids, leftovers
    )


def test_a_run_killed_while_loading_leaves_the_published_warehouse_as_it_was(
    killed_while_loading: KilledWhileLoading,
) -> None:
    killed = killed_while_loading
    assert killed.published_after == killed.published_before
    assert killed.leftovers == []


# Phase 4 ---------------------------------------------------------------------------------------


@dataclasses.dataclass
class Recovered:
    code: int
    output: str
    analyst: list[list[str]]  # what the analyst's open connection showed, before, during, after
    polled: list[list[str] | str]
    build_reader_closed: float
    dbt_reader_opened: float
    dbt_reader_closed: float
    dbt_ready: float  # dbt parsed the project and is about to connect
    dbt_connected: float  # dbt started its first node, so it was connected
    abandoned_copy_removed: bool
    live_copy_kept: bool


@pytest.fixture(scope="module")
def recovered(scene: Scene, killed_while_loading: KilledWhileLoading) -> Recovered:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    abandoned = scene.warehouse.with_name(f".{scene.warehouse.name}.{dead.stdout.strip()}.tmp")
    live = scene.warehouse.with_name(f".{scene.warehouse.name}.{os.getpid()}.tmp")
    abandoned.write_bytes(b"half a copy")
    live.write_bytes(b"a copy under way")
    analyst = scene.reader(scene.warehouse)
    analyst.open()
    seen = [analyst.snapshot()]
    build_reader, dbt_reader = scene.reader(scene.build), scene.reader(scene.build)
    build_reader.open()  # waits for an orphaned dbt of the killed run, if it still writes
    poller = PublishedPoller(scene.warehouse)
    poller.start()
    run = scene.refresh()
    run.wait_for(r"is locked by another process; retrying")
    build_reader_closed = build_reader.close()
    run.wait_for(r"Running dbt command")
    dbt_reader_opened = dbt_reader.open()
    seen.append(analyst.snapshot())
    try:
        run.wait_for(r"Concurrency: \d+ thread", timeout=120)  # dbt connects right after this
        time.sleep(2)
    finally:
        dbt_reader_closed = dbt_reader.close()
    code = run.finish()
    poller.stop()
    seen.append(analyst.snapshot())
    analyst.close()
    live_kept = live.exists()
    live.unlink()
    return Recovered(
        code=code,
        output=run.output,
        analyst=seen,
        polled=poller.seen,
        build_reader_closed=build_reader_closed,
        dbt_reader_opened=dbt_reader_opened,
        dbt_reader_closed=dbt_reader_closed,
        dbt_ready=run.first_time(r"Concurrency: \d+ thread"),
        dbt_connected=run.first_time(r"\d+ of \d+ START "),
        abandoned_copy_removed=not abandoned.exists(),
        live_copy_kept=live_kept,
    )


def test_the_run_after_a_kill_while_loading_completes_with_nothing_missing(
    scene: Scene, recovered: Recovered
) -> None:
    assert recovered.code == 0, recovered.output[-3000:]
    assert problems(scene.warehouse) == []
    files = sorted(p.name for p in scene.inbox.iterdir())
    assert [r[0] for r in query(
        scene.warehouse, "select source_file from marts.articles order by source_file"
    )] == files


def test_an_edited_file_replaces_its_rows_and_a_deleted_file_takes_its_rows_away(
    scene: Scene, killed_while_loading: KilledWhileLoading, recovered: Recovered
) -> None:
    old_ids = list(killed_while_loading.old_ids.values())
    assert len(old_ids) == 2
    for table in ("raw.articles", "nlp.tagged_articles", "nlp.sentences", "nlp.quotes",
                  "marts.articles", "marts.claims", "marts.events", "marts.quantities"):
        stale = query(
            scene.warehouse, f"select count(*) from {table} where list_contains(?, article_id)",
            [old_ids],
        )
        assert stale == [(0,)], table
    assert query(scene.warehouse, "select count(*) from raw.documents where source_file = ?",
                 [DELETED]) == [(0,)]
    rows = query(scene.warehouse, "select body from marts.articles where source_file = ?",
                 [EDITED])
    assert len(rows) == 1 and "37 ferries were cancelled" in rows[0][0]
    speakers = query(scene.warehouse, "select c.speaker_name from marts.claims c join "
                     "marts.articles a using (article_id) where a.source_file = ?", [EDITED])
    assert any("Ingrid Holm" in speaker for (speaker,) in speakers), speakers


def test_sql_jinja_and_shell_in_articles_are_stored_and_shown_verbatim(
    scene: Scene, recovered: Recovered
) -> None:
    for table in ("raw.articles", "marts.articles"):
        rows = query(scene.warehouse, f"select title, body from {table} "
                     "where source_file = 'hostile.txt'")
        assert len(rows) == 1, table
        title, body = rows[0]
        assert title == HOSTILE_TITLE, table
        assert body == "\n\n".join(HOSTILE_PARAGRAPHS), table
    assert query(scene.warehouse, "select count(*) > 0 from marts.claims") == [(True,)]


def test_an_analyst_on_the_published_file_keeps_one_consistent_snapshot(
    killed_while_loading: KilledWhileLoading, recovered: Recovered, scene: Scene
) -> None:
    before = killed_while_loading.snapshot_before
    assert recovered.code == 0
    assert recovered.analyst == [before, before, before]
    assert snapshot(scene.warehouse) != before  # the refresh did change the published file


def test_readers_of_the_published_file_see_the_old_or_the_new_state_never_a_mix(
    killed_while_loading: KilledWhileLoading, recovered: Recovered, scene: Scene
) -> None:
    states = [killed_while_loading.snapshot_before, snapshot(scene.warehouse)]
    assert len(recovered.polled) > 10
    assert [seen for seen in recovered.polled if seen not in states] == []
    assert recovered.polled[0] == states[0] and recovered.polled[-1] == states[1]


def test_a_reader_on_the_build_database_delays_the_refresh_until_it_closes(
    recovered: Recovered,
) -> None:
    assert recovered.code == 0
    assert "is locked by another process; retrying" in recovered.output


def test_dbt_waits_for_a_reader_on_the_build_database(recovered: Recovered) -> None:
    assert recovered.code == 0
    assert recovered.dbt_reader_opened < recovered.dbt_ready < recovered.dbt_reader_closed
    assert recovered.dbt_reader_closed < recovered.dbt_connected


def test_a_publish_removes_copies_abandoned_by_dead_processes_only(recovered: Recovered) -> None:
    assert recovered.abandoned_copy_removed
    assert recovered.live_copy_kept


# Without the shared history ------------------------------------------------------------------


def test_a_reader_holding_the_build_database_fails_the_refresh_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "inbox"
    write_stories(inbox, range(2), seed=1)
    settings = Settings(warehouse=tmp_path / "warehouse.duckdb", inbox=inbox)
    settings.build_database.parent.mkdir(parents=True)
    duckdb.connect(str(settings.build_database)).close()
    monkeypatch.setattr(database_module, "LOCK_RETRY_SECONDS", (0.1, 0.2, 0.4))
    holder = Reader(settings.build_database)
    holder.open()
    try:
        summary = run_refresh(settings, dg.DagsterInstance.ephemeral())
    finally:
        holder.stop()
    assert not summary.success
    assert summary.failed_steps == ["inbox_scan"]
    message = summary.step_errors["inbox_scan"]
    assert message.startswith("WarehouseLockedError: ")
    assert "is locked by another process after 3 retries" in message
    assert f"open the published copy {settings.warehouse}" in message
    assert message in summary.render()
    assert not settings.warehouse.exists()


def cli_run(env: dict[str, str]) -> tuple[int, str, float]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "orchestration", "run"], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


def test_a_missing_spacy_model_fails_fast_saying_what_to_install(tmp_path: Path) -> None:
    write_stories(tmp_path / "inbox", range(2), seed=1)
    env = run_env(tmp_path / "inbox", tmp_path / "w" / "warehouse.duckdb",
                  NEWSLEDGER_SPACY_MODEL="not_a_model")
    code, output, seconds = cli_run(env)
    assert code == 2, output
    assert "spaCy model 'not_a_model' is not installed: pip install" in output
    assert "NEWSLEDGER_SPACY_MODEL" in output
    assert "Traceback" not in output
    assert seconds < 30  # a refresh takes minutes; this stops before any work
    assert not (tmp_path / "w" / "warehouse.duckdb").exists()


@pytest.mark.parametrize(
    ("case", "warehouse"),
    [
        ("parent is a file", "a_file/warehouse.duckdb"),
        ("grandparent is a file", "a_file/sub/warehouse.duckdb"),
        ("the path is a folder", "a_folder"),
        ("read-only file system", "/sys/newsledger/warehouse.duckdb"),
    ],
)
def test_an_unwritable_warehouse_path_fails_fast_saying_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture,
    case: str, warehouse: str,
) -> None:
    (tmp_path / "a_file").write_text("not a folder")
    (tmp_path / "a_folder").mkdir()
    write_stories(tmp_path / "inbox", range(2), seed=1)
    for name in ("DAGSTER_HOME", "NEWSLEDGER_SPACY_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEWSLEDGER_INBOX", str(tmp_path / "inbox"))
    monkeypatch.setenv("NEWSLEDGER_WAREHOUSE", str(tmp_path / warehouse))
    assert main(["run"]) == 2, case  # what `python -m orchestration run` returns
    error = capsys.readouterr().err
    assert error.startswith("newsledger: "), error
    assert "NEWSLEDGER_WAREHOUSE" in error, error


def test_a_missing_inbox_fails_fast_saying_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setenv("NEWSLEDGER_INBOX", str(tmp_path / "no_such_inbox"))
    monkeypatch.setenv("NEWSLEDGER_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    assert main(["run"]) == 2
    error = capsys.readouterr().err
    assert "is not a folder: set NEWSLEDGER_INBOX to a folder of articles" in error
    assert not (tmp_path / "warehouse.duckdb").exists()


@pytest.mark.parametrize(
    ("setting", "value", "said"),
    [
        ("DAGSTER_HOME", "{tmp}/no_such_home", "DAGSTER_HOME {tmp}/no_such_home is not a folder"),
        ("NEWSLEDGER_REFRESH_CRON", "every day", "'every day' is not a cron schedule"),
        ("NEWSLEDGER_EXECUTOR", "dagster:no_such_executor", "does not name a Dagster executor"),
        ("NEWSLEDGER_EXECUTOR", "no_such_module:executor", "does not name a Dagster executor"),
        ("NEWSLEDGER_WAREHOUSE", "{tmp}/inbox/w.duckdb", "is inside NEWSLEDGER_INBOX"),
        ("NEWSLEDGER_DBT_TARGET", "no_such_target", "does not have a target named"),
    ],
)
def test_an_unusable_setting_fails_fast_saying_which(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture,
    setting: str, value: str, said: str,
) -> None:
    write_stories(tmp_path / "inbox", range(2), seed=1)
    for name in ("DAGSTER_HOME", "NEWSLEDGER_REFRESH_CRON", "NEWSLEDGER_EXECUTOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEWSLEDGER_INBOX", str(tmp_path / "inbox"))
    monkeypatch.setenv("NEWSLEDGER_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv(setting, value.format(tmp=tmp_path))
    assert main(["run"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("newsledger: "), error
    assert said.format(tmp=tmp_path) in error, error
    assert error.count("\n") == 1, error
    assert not (tmp_path / "warehouse.duckdb").exists()
