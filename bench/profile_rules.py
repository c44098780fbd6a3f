"""Where the NLP step's own time goes: cProfile of newsledger's rules on already-parsed Docs.

Each tag worker parses an article and then runs the rules (mentions, claims, events,
quantities, sentences) on its Doc, so every millisecond of rules is one spaCy does not get. This
parses `--articles` bodies of a generated corpus first (not profiled), then times only
`extract.nlp.tag_articles`' work per Doc, and prints milliseconds per article for each finder
and the top functions. Every pass gets Docs fresh from their bytes, as the rules see them once in
the pipeline: what the finders compute once per Doc (`extract.doctext.per_doc`) is not reused
from an earlier pass.

    python bench/profile_rules.py --articles 150 [--out rules.prof]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent))

import generate_corpus  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--out", type=Path, help="write the raw profile here (for snakeviz etc.)")
    args = parser.parse_args(argv)

    from extract import nlp as nlp_module
    from extract.events import find_events, load_taxonomy
    from extract.gazetteer import load_gazetteer
    from extract.quantities import find_quantities
    from orchestration.settings import REFERENCE_DIR

    corpus = generate_corpus.generate_corpus(args.articles, seed=args.seed, duplicate_share=0.0)
    nlp = nlp_module.build_nlp(nlp_module.DEFAULT_MODEL)
    gazetteer = load_gazetteer(REFERENCE_DIR)
    taxonomy = load_taxonomy(REFERENCE_DIR / "event_types.csv")
    started = time.process_time()
    parsed = DocBin(docs=nlp.pipe((a.body for a in corpus), batch_size=64)).to_bytes()
    parse_seconds = time.process_time() - started
    words = sum(a.words for a in corpus)

    def fresh_docs() -> list:
        return list(DocBin().from_bytes(parsed).get_docs(nlp.vocab))

    def rules(spent: dict[str, float], docs: list) -> None:
        for doc in docs:
            t0 = time.process_time()
            mentions = nlp_module.find_mentions(doc, gazetteer=gazetteer)
            t1 = time.process_time()
            quotes = nlp_module.find_claims(doc, mentions, anchor_date=None)
            t2 = time.process_time()
            find_events(doc, mentions=mentions, quotes=quotes, taxonomy=taxonomy, anchor_date=None)
            t3 = time.process_time()
            find_quantities(doc, quotes=quotes)
            t4 = time.process_time()
            nlp_module.doc_sentences(doc, "x")
            t5 = time.process_time()
            for name, seconds in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4),
                                     strict=True):
                spent[name] += seconds

    finders = ("mentions", "claims", "events", "quantities", "sentences")
    # warm what lives longer than a Doc (gazetteer keys, compiled patterns, lazy imports) first
    rules(dict.fromkeys(finders, 0.0), fresh_docs())
    spent = dict.fromkeys(finders, 0.0)
    docs = fresh_docs()
    started = time.process_time()
    rules(spent, docs)
    rules_seconds = time.process_time() - started
    docs = fresh_docs()
    profiler = cProfile.Profile()
    profiler.enable()
    rules(dict.fromkeys(finders, 0.0), docs)
    profiler.disable()

    n = len(docs)
    print(f"{n} articles, {words:,} words")
    print(f"spaCy parse, 1 process: {parse_seconds:.1f} CPU-s "
          f"= {words / parse_seconds:,.0f} words/s")
    print(f"rules, 1 process:       {rules_seconds:.1f} CPU-s "
          f"= {words / rules_seconds:,.0f} words/s "
          f"({rules_seconds / parse_seconds:.0%} of the parse)")
    for name, seconds in spent.items():
        print(f"  {name:<11} {1000 * seconds / n:7.1f} ms/article  {seconds / rules_seconds:6.1%}")
    stats = pstats.Stats(profiler)
    if args.out:
        stats.dump_stats(args.out)
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
