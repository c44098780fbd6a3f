"""Tagging in batches, one tag_batch run each, gives the same marts as tagging in one batch."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from bench.generate_corpus import generate_corpus, write_corpus
from orchestration.cli import RunSummary, _tag_batch_run, run_refresh
from orchestration.resources import NlpPipeline
from orchestration.settings import Settings
from orchestration.tag_files import TagFiles
from orchestration.warehouse import NLP_TABLES, Warehouse

pytestmark = pytest.mark.slow


# The settings, the summary, the jobs run in order, and what the steps said when they tagged.
Refreshed = tuple[Settings, RunSummary, str, list[str]]


def refresh(root: Path, inbox: Path, batch_articles: int) -> Refreshed:
    settings = Settings(
        warehouse=root / "warehouse.duckdb",
        inbox=inbox,
        tag_batch_articles=batch_articles,
        tag_workers=2,
    )
    with dg.instance_for_test() as instance:
        summary = run_refresh(settings, instance)
        runs = instance.get_runs(dg.RunsFilter())[::-1]
        tagging = [
            entry.user_message
            for run in runs
            for entry in instance.all_logs(run.run_id)
            if entry.user_message.startswith("tagging ")
        ]
    return settings, summary, " ".join(run.job_name for run in runs), tagging


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("inbox")
    write_corpus(generate_corpus(10, seed=11), folder)  # 7 originals and 3 near-duplicates
    return folder


@pytest.fixture(scope="module")
def in_batches_of_three(tmp_path_factory, inbox: Path) -> Refreshed:
    return refresh(tmp_path_factory.mktemp("batches"), inbox, batch_articles=3)


@pytest.fixture(scope="module")
def in_one_batch(tmp_path_factory, inbox: Path) -> Refreshed:
    return refresh(tmp_path_factory.mktemp("one"), inbox, batch_articles=500)


def test_each_batch_is_its_own_tag_run_between_ingest_and_load(in_batches_of_three) -> None:
    _, summary, runs, tagging = in_batches_of_three
    assert summary.success, summary.render()
    assert runs == "ingest tag_batch tag_batch tag_batch load"
    # the runs tag side by side, each in one process
    sizes = [re.fullmatch(r"tagging (\d+) articles in 1 batches", line) for line in tagging]
    assert all(sizes) and sum(int(size[1]) for size in sizes) == 7, tagging


def test_a_corpus_tagged_in_batches_gives_the_marts_of_one_batch(
    in_batches_of_three, in_one_batch, every_mart
) -> None:
    (batched, *_), (whole, summary, runs, tagging) = in_batches_of_three, in_one_batch
    assert summary.success, summary.render()
    assert runs == "ingest load"  # the load run tags a single batch itself,
    assert tagging == ["tagging 7 articles in 1 batches, 2 processes side by side"]  # on 2 cores
    batched_marts, whole_marts = every_mart(batched.warehouse), every_mart(whole.warehouse)
    assert len(whole_marts) >= 7 and all(whole_marts.values())
    assert batched_marts == whole_marts


def test_loaded_batches_leave_no_files_or_partitions_behind(in_batches_of_three) -> None:
    settings, *_ = in_batches_of_three
    assert list(settings.tagging_folder.iterdir()) == []


def test_a_batch_loaded_twice_adds_no_rows(tmp_path: Path, in_batches_of_three) -> None:
    settings, *_ = in_batches_of_three
    warehouse = Warehouse(path=str(settings.build_database), published_path=str(tmp_path / "p"))
    before = warehouse.row_counts([*NLP_TABLES, "nlp.tagged_articles"])
    files = TagFiles(path=str(tmp_path / "tagging"))
    with duckdb.connect(str(settings.build_database), read_only=True) as conn:
        ids = [r[0] for r in conn.execute(
            "select article_id from nlp.tagged_articles order by article_id limit 2"
        ).fetchall()]
    texts = warehouse.article_texts(ids)
    files.write_batch("again", "v", texts)
    files.write_tags("again", list(NlpPipeline(model=settings.spacy_model).tag(texts)))
    for _ in range(2):
        warehouse.load_tags(files.batches().values())
    assert warehouse.row_counts([*NLP_TABLES, "nlp.tagged_articles"]) == before


def test_a_scan_of_another_warehouse_keeps_the_batches_this_one_left_to_tag(
    tmp_path: Path, inbox: Path
) -> None:
    from orchestration.definitions import build_definitions

    first_inbox = shutil.copytree(inbox, tmp_path / "first_inbox")
    other_inbox = tmp_path / "other_inbox"
    write_corpus(generate_corpus(4, seed=12, prefix="other-"), other_inbox)

    def scan(name: str, articles: Path, instance: dg.DagsterInstance) -> set[str]:
        settings = Settings(
            warehouse=tmp_path / name / "warehouse.duckdb", inbox=articles, tag_batch_articles=3
        )
        ingest = build_definitions(settings).resolve_job_def("ingest")
        assert ingest.execute_in_process(instance=instance).success
        return set(TagFiles(path=str(settings.tagging_folder)).untagged())

    with dg.instance_for_test() as instance:
        waiting = scan("first", first_inbox, instance)
        other = scan("second", other_inbox, instance)
        registered = set(instance.get_dynamic_partitions("tag_batches"))
        assert waiting and other and waiting.isdisjoint(other)
        assert registered == waiting | other
        assert scan("first", first_inbox, instance) == waiting
        assert set(instance.get_dynamic_partitions("tag_batches")) == waiting | other
        # A warehouse built from the same articles plans batches of its own.
        same = scan("third", first_inbox, instance)
        assert len(same) == len(waiting) and same.isdisjoint(waiting)
        # Its articles gone, the first warehouse drops its batches, and their partitions go.
        for path in first_inbox.iterdir():
            path.unlink()
        assert scan("first", first_inbox, instance) == set()
        assert set(instance.get_dynamic_partitions("tag_batches")) == other | same


def test_a_failed_tag_batch_run_is_told_by_its_error(tmp_path: Path, inbox: Path) -> None:
    from orchestration.definitions import build_definitions

    settings = Settings(warehouse=tmp_path / "warehouse.duckdb", inbox=inbox)
    with dg.instance_for_test() as instance:
        assert build_definitions(settings).resolve_job_def("ingest").execute_in_process(
            instance=instance
        ).success
        [key] = instance.get_dynamic_partitions("tag_batches")
        unloadable = Settings(
            warehouse=settings.warehouse, inbox=inbox, spacy_model="no_such_spacy_model"
        )
        error = _tag_batch_run(unloadable, instance.get_ref(), key)
    assert error is not None and "no_such_spacy_model" in error, error
