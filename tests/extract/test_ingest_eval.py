"""Story splitting against the development gold set in ../shared/eval (read, never copied)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.ingest import Ingested, ingest_inbox
from extract.records import Article

EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval"
GOLD_FILES = sorted((EVAL / "gold").glob("*.json"))
ABSENT = pytest.mark.skip(
    reason=f"{EVAL} is absent: the development gold set is not beside the repo"
)


@pytest.fixture(scope="module")
def ingested() -> Ingested:
    return ingest_inbox(EVAL / "articles")


def stories_of(ingested: Ingested, stem: str) -> list[Article]:
    found = [a for a in ingested.articles if Path(a.source_file).stem == stem]
    return sorted(found, key=lambda a: a.story_index)


@pytest.mark.parametrize(
    "gold_file",
    [pytest.param(path, id=path.stem[:24]) for path in GOLD_FILES]
    or [pytest.param(None, marks=ABSENT)],
)
def test_stories_match_the_gold_count_starts_and_headings(
    ingested: Ingested, gold_file: Path
) -> None:
    gold = json.loads(gold_file.read_text(encoding="utf-8"))["article"]
    stories = stories_of(ingested, gold_file.stem)
    assert len(stories) == gold["n_stories"]
    assert [" ".join(s.body.split()[:8]) for s in stories] == [
        g["first_words"] for g in gold["stories"]
    ]
    assert [s.title or s.kicker for s in stories] == [g["title_or_kicker"] for g in gold["stories"]]
