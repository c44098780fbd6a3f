"""Benchmark: newsledger's claims against textacy's `direct_quotations`, on the eval articles.

    .venv/bin/python bench/quotes_vs_textacy.py [--newsledger data/eval.duckdb]

Runs the stories newsledger ingests from the eval inbox through the same spaCy pipeline
(`extract.nlp.build_nlp`) and textacy's rule-based quote extractor, writes textacy's output as a
minimal warehouse that satisfies the scorer's marts contract into a temporary DuckDB file, scores
it and the newsledger warehouse with the eval set's `score.py`, prints a Markdown table side by
side and writes the JSON to bench/results/quotes_vs_textacy.json.

A benchmark, not a test: it needs the `bench` extra (`pip install -e ".[bench]"`) and a
newsledger warehouse already built from the same articles (`make run` with
NEWSLEDGER_INBOX=../shared/eval/articles NEWSLEDGER_WAREHOUSE=data/eval.duckdb).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType

import duckdb

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVAL_DIR = ROOT.parent / "shared" / "eval"
DEFAULT_NEWSLEDGER = ROOT / "data" / "eval.duckdb"
DEFAULT_OUT = ROOT / "bench" / "results" / "quotes_vs_textacy.json"

# The scorer's marts contract (CONFIG in score.py), and nothing more: textacy finds no actors
# or events, so those tables are empty but carry the columns the scorer reads.
CONTRACT_DDL = """
create schema marts;
create table marts.articles (article_id varchar primary key, source_file varchar);
create table marts.actors (name varchar, actor_type varchar, aliases varchar[]);
create table marts.claims (article_id varchar, speaker_name varchar, kind varchar, text varchar);
create table marts.events (
    article_id varchar,
    event_type varchar,
    killed double,
    wounded double,
    quantity double,
    quantity_unit varchar,
);
"""

METRICS = {
    "direct_quote_f1": "direct-quote F1",
    "all_claims_f1": "all-claims F1",
    "speaker_accuracy": "speaker accuracy",
}


@dataclass(frozen=True)
class TextacyClaim:
    """One textacy quotation as a marts.claims row (kind is always direct_quote)."""

    article_id: str
    speaker_name: str
    text: str
    kind: str = "direct_quote"


@dataclass(frozen=True)
class Skipped:
    """A story textacy returned nothing for because it raised (it bails out on an odd number
    of quotation marks rather than guess which quotation is unclosed)."""

    source_file: str
    story_index: int
    reason: str


def quote_text(content) -> str:
    """The quoted words of a textacy content span: quote marks and trailing punctuation removed,
    as the gold writes direct quotes."""
    inner = content[1:-1] if len(content) > 2 else content
    return inner.text.strip().rstrip(",.;:").strip()


def speaker_text(tokens: Iterable) -> str:
    """textacy's speaker (a list of tokens in document order) as text."""
    return "".join(token.text_with_ws for token in tokens).strip()


def textacy_claims(doc, article_id: str) -> list[TextacyClaim]:
    """textacy's direct quotations of `doc`, one claim per attribution.

    Quotation spans that textacy attributes to the same cue token inside one sentence are one
    quotation interrupted by its attribution (`"A," X said, "B."`): their texts are joined with
    " ... ", as the gold does. Raises ValueError where textacy does (unbalanced quote marks).
    """
    from textacy.extract.triples import direct_quotations

    groups: dict[tuple, list] = {}
    for triple in direct_quotations(doc):
        sentence_start = doc[triple.content.start].sent.start
        key = (tuple(token.i for token in triple.cue), sentence_start)
        groups.setdefault(key, []).append(triple)
    claims = []
    for triples in groups.values():
        triples.sort(key=lambda triple: triple.content.start)
        claims.append(
            TextacyClaim(
                article_id=article_id,
                speaker_name=speaker_text(triples[0].speaker),
                text=" ... ".join(quote_text(triple.content) for triple in triples),
            )
        )
    return claims


def run_textacy(inbox: Path, *, model: str) -> tuple[list, list[TextacyClaim], list[Skipped]]:
    """The inbox's original stories (as newsledger ingests them), textacy's claims on them and
    the stories textacy gave up on."""
    from extract.ingest import ingest_inbox
    from extract.nlp import build_nlp

    # newsledger tags only originals; a duplicate's claims would be scored as duplicates anyway.
    articles = [a for a in ingest_inbox(inbox).articles if a.duplicate_of is None]
    nlp = build_nlp(model)
    claims: list[TextacyClaim] = []
    skipped: list[Skipped] = []
    for doc, article in nlp.pipe(((a.body, a) for a in articles), as_tuples=True):
        try:
            claims += textacy_claims(doc, article.article_id)
        except ValueError as error:
            skipped.append(Skipped(article.source_file, article.story_index, str(error)))
    return articles, claims, skipped


def write_warehouse(path: Path, articles: Iterable, claims: Iterable[TextacyClaim]) -> None:
    """A DuckDB file at `path` holding the scorer's contract tables filled from textacy."""
    con = duckdb.connect(str(path))
    try:
        con.execute(CONTRACT_DDL)
        con.executemany(
            "insert into marts.articles values (?, ?)",
            [(a.article_id, a.source_file) for a in articles],
        )
        con.executemany(
            "insert into marts.claims values (?, ?, ?, ?)",
            [(c.article_id, c.speaker_name, c.kind, c.text) for c in claims],
        )
    finally:
        con.close()


def load_scorer(eval_dir: Path) -> ModuleType:
    """The eval set's score.py as a module."""
    spec = importlib.util.spec_from_file_location("newsledger_eval_score", eval_dir / "score.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"no score.py in {eval_dir}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def headline(result: dict) -> dict[str, float | None]:
    """The three figures the benchmark compares, from a score.py result."""
    overall = result["overall"]
    return {
        "direct_quote_f1": overall["quotes"]["f1"],
        "all_claims_f1": overall["claims"]["f1"],
        "speaker_accuracy": result["speaker_accuracy"]["value"],
    }


def markdown_table(figures: dict[str, dict[str, float | None]]) -> str:
    """Systems side by side (columns) on the benchmark's metrics (rows)."""
    systems = list(figures)
    lines = [
        "| metric | " + " | ".join(systems) + " |",
        "|---|" + "---:|" * len(systems),
    ]
    for key, label in METRICS.items():
        cells = ["n/a" if figures[s][key] is None else f"{figures[s][key]:.2f}" for s in systems]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--eval-dir",
        type=Path,
        default=DEFAULT_EVAL_DIR,
        help="the eval set: score.py, gold/ and articles/ (default: %(default)s)",
    )
    parser.add_argument(
        "--newsledger",
        type=Path,
        default=DEFAULT_NEWSLEDGER,
        help="newsledger warehouse built from the eval articles (default: %(default)s)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="where to write the JSON (default: %(default)s)",
    )
    args = parser.parse_args(argv)

    from extract.nlp import DEFAULT_MODEL

    model = os.environ.get("NEWSLEDGER_SPACY_MODEL", DEFAULT_MODEL)
    eval_dir = args.eval_dir.resolve()
    score = load_scorer(eval_dir)
    articles, claims, skipped = run_textacy(eval_dir / "articles", model=model)
    try:
        newsledger = score.evaluate(str(args.newsledger.resolve()), str(eval_dir))
        with tempfile.TemporaryDirectory(prefix="bench-textacy-") as tmp:
            textacy_db = Path(tmp) / "textacy.duckdb"
            write_warehouse(textacy_db, articles, claims)
            textacy = score.evaluate(str(textacy_db), str(eval_dir))
            textacy["warehouse"] = "(temporary)"
    except score.ScoringError as error:
        print(f"quotes_vs_textacy: {error}", file=sys.stderr)
        return 2

    from importlib.metadata import version

    figures = {"newsledger": headline(newsledger), "textacy": headline(textacy)}
    report = {
        "eval_dir": str(eval_dir),
        "spacy_model": model,
        "textacy_version": version("textacy"),
        "stories": len(articles),
        "textacy_claims": len(claims),
        "textacy_skipped": [asdict(s) for s in skipped],
        "figures": figures,
        "scores": {"newsledger": newsledger, "textacy": textacy},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")

    print(markdown_table(figures))
    print()
    print(
        f"{len(articles)} stories; textacy {report['textacy_version']} on {model} found "
        f"{len(claims)} quotations and raised on {len(skipped)} stories (unbalanced quote marks)."
    )
    print(f"newsledger: {args.newsledger}; JSON: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
