"""A snapshot of everything `extract.nlp.tag_articles` produces, to prove a change kept it.

Tags the stories of the given inboxes (read with `extract.ingest.ingest_inbox`) plus a generated
corpus, and writes every record of every article as sorted JSON. With `--compare`, tags again and
exits non-zero, naming the first differing article, when anything differs from that snapshot.

    python bench/tag_snapshot.py --out before.json --inbox ../shared/eval/articles --inbox seeds
    python bench/tag_snapshot.py --compare before.json --n-process 2 --inbox ...
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent))

import generate_corpus  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inbox", type=Path, action="append", default=[])
    parser.add_argument("--generated", type=int, default=100, help="generated articles to add")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--out", type=Path)
    group.add_argument("--compare", type=Path)
    args = parser.parse_args(argv)

    from extract.events import load_taxonomy
    from extract.gazetteer import load_gazetteer
    from extract.ingest import ingest_inbox
    from extract.nlp import ArticleText, build_nlp, tag_articles
    from orchestration.settings import REFERENCE_DIR

    by_id = {  # the same file in two inboxes is one article
        a.article_id: ArticleText(a.article_id, a.body, a.published_date)
        for inbox in args.inbox
        for a in ingest_inbox(inbox).articles
    }
    articles = list(by_id.values())
    generated = generate_corpus.generate_corpus(args.generated, seed=args.seed, duplicate_share=0)
    articles += [
        ArticleText(g.file_name, g.body, dt.date.fromisoformat(g.published[:10])) for g in generated
    ]
    nlp = build_nlp()
    started = time.perf_counter()
    tags = tag_articles(
        nlp,
        articles,
        gazetteer=load_gazetteer(REFERENCE_DIR),
        taxonomy=load_taxonomy(REFERENCE_DIR / "event_types.csv"),
        batch_size=args.batch_size,
        n_process=args.n_process,
    )
    snapshot = {t.article_id: _records(t) for t in tags}
    seconds = time.perf_counter() - started
    print(f"tagged {len(snapshot)} articles in {seconds:.1f} s", file=sys.stderr)
    if [a.article_id for a in articles] != list(snapshot):
        print("articles came back in another order or went missing", file=sys.stderr)
        return 1
    if args.out:
        args.out.write_text(json.dumps(snapshot, indent=0, sort_keys=True, default=str))
        return 0
    expected = json.loads(args.compare.read_text())
    actual = json.loads(json.dumps(snapshot, sort_keys=True, default=str))
    for article_id in expected.keys() | actual.keys():
        if expected.get(article_id) != actual.get(article_id):
            print(f"differs from {args.compare}: {article_id}", file=sys.stderr)
            return 1
    print(f"identical to {args.compare}", file=sys.stderr)
    return 0


def _records(tags: object) -> dict[str, list[str]]:
    """Each kind of record as a sorted list of JSON lines."""
    fields = ("sentences", "mentions", "quotes", "events", "quantities")
    return {
        name: sorted(
            json.dumps(dataclasses.asdict(r), sort_keys=True, default=str)
            for r in getattr(tags, name)
        )
        for name in fields
    }


if __name__ == "__main__":
    sys.exit(main())
