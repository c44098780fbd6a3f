"""The NLP step alone against bare spaCy: `tag_articles` vs `nlp.pipe` on the same bodies.

Generates `--articles` original articles (no near-duplicates), then runs each variant in its own
process, one after the other, and reports wall time, CPU time of the process and its workers
(user + system, from getrusage of the variant's process tree) and peak memory of that tree
(RSS and PSS summed, polled from /proc):

- `plain`: `nlp.pipe(bodies, n_process=N, batch_size=B)` with plain `spacy.load`, the model as
  shipped (the limit of issue 7);
- `bare`: the same with `extract.nlp.build_nlp`, newsledger's pipeline without the rules
  (tag / bare is what the rules cost);
- `tag`: `tag_articles(..., n_process=N, batch_size=B)` over one iterator of all articles;
- `tag-chunked`: `tag_articles` called afresh for every `--tag-batch-articles` articles (500, as
  NEWSLEDGER_TAG_BATCH_ARTICLES), as each `tag_batch` run calls it once for its batch.

The ratios of interest are tag / plain and tag / bare in articles per second and in CPU
seconds. `--repeat`
runs each variant that many times and keeps the fastest (the machine is shared).

    python bench/nlp_step.py --articles 600 --n-process 2 --batch-size 64
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent))

import generate_corpus  # noqa: E402
from run_bench import TreeMemory  # noqa: E402

VARIANTS = ("plain", "bare", "tag", "tag-chunked")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--n-process", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--tag-batch-articles", type=int, default=500)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--code", type=Path, default=BENCH_DIR.parent,
                        help="the checkout whose extract/ to measure (default: this one)")
    parser.add_argument("--run-variant", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_variant:
        return run_variant(args)

    corpus = generate_corpus.generate_corpus(args.articles, seed=args.seed, duplicate_share=0.0)
    with tempfile.TemporaryDirectory(prefix="nlp-step-") as folder:
        path = Path(folder) / "corpus.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for g in corpus:
                record = {"id": g.file_name, "body": g.body, "published": g.published[:10]}
                out.write(json.dumps(record) + "\n")
        results = {}
        for variant in [v for v in args.variants.split(",") if v]:
            runs = [measure(variant, path, args) for _ in range(args.repeat)]
            results[variant] = min(runs, key=lambda r: r["wall_seconds"])
            print(json.dumps({variant: results[variant]}), flush=True)
    print(f"\n{args.code}: {args.articles} articles, {sum(g.words for g in corpus):,} words, "
          f"n_process={args.n_process}, batch_size={args.batch_size}")
    print("| variant | wall s | articles/s | CPU s | CPU ms/article | peak RSS | peak PSS |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for variant, r in results.items():
        print(f"| {variant} | {r['wall_seconds']:.1f} | {r['articles_per_second']:.2f} "
              f"| {r['cpu_seconds']:.1f} | {1000 * r['cpu_seconds'] / args.articles:.0f} "
              f"| {r['peak_rss_bytes'] / 2**20:,.0f} MiB "
              f"| {r['peak_pss_bytes'] / 2**20:,.0f} MiB |")
    for limit in ("plain", "bare"):
        if limit not in results:
            continue
        bare = results[limit]
        for variant in (v for v in ("tag", "tag-chunked") if v in results):
            r = results[variant]
            print(f"{variant} / {limit}: "
                  f"{r['articles_per_second'] / bare['articles_per_second']:.2f} x throughput "
                  f"(wall), {bare['cpu_seconds'] / r['cpu_seconds']:.2f} x in CPU")
    return 0


def measure(variant: str, corpus: Path, args: argparse.Namespace) -> dict[str, float]:
    """Runs one variant in a child process; its own timings plus the tree's peak memory."""
    command = [
        sys.executable, __file__, "--run-variant", variant, "--corpus", str(corpus),
        "--n-process", str(args.n_process), "--batch-size", str(args.batch_size),
        "--tag-batch-articles", str(args.tag_batch_articles),
        "--code", str(args.code),
    ]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    with TreeMemory(child.pid, interval=0.1) as memory:
        out, _ = child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"{variant} failed with exit code {child.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_bytes"] = memory.peak_rss
    result["peak_pss_bytes"] = memory.peak_pss
    return result


def run_variant(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(args.code.resolve()))
    import spacy

    from extract.events import load_taxonomy
    from extract.gazetteer import load_gazetteer
    from extract.nlp import DEFAULT_MODEL, ArticleText, build_nlp, tag_articles
    from orchestration.settings import REFERENCE_DIR

    with args.corpus.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    articles = [
        ArticleText(r["id"], r["body"], dt.date.fromisoformat(r["published"])) for r in records
    ]
    nlp = spacy.load(DEFAULT_MODEL) if args.run_variant == "plain" else build_nlp()
    gazetteer = load_gazetteer(REFERENCE_DIR)
    taxonomy = load_taxonomy(REFERENCE_DIR / "event_types.csv")
    options = {"batch_size": args.batch_size, "n_process": args.n_process}

    def tag(chunk: list[ArticleText]) -> int:
        tags = tag_articles(nlp, chunk, gazetteer=gazetteer, taxonomy=taxonomy, **options)
        return sum(1 for _ in tags)

    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    if args.run_variant in ("plain", "bare"):
        done = sum(1 for _ in nlp.pipe((a.body for a in articles), **options))
    elif args.run_variant == "tag":
        done = tag(articles)
    else:
        step = args.tag_batch_articles
        done = sum(tag(articles[i : i + step]) for i in range(0, len(articles), step))
    wall = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    assert done == len(articles)
    print(json.dumps({
        "articles": done,
        "wall_seconds": round(wall, 2),
        "articles_per_second": round(done / wall, 3),
        "cpu_seconds": round(cpu, 2),
    }))
    return 0


def _cpu_seconds() -> float:
    """User + system CPU of this process and of all its children so far."""
    # spaCy terminates its workers without waiting for them; their CPU counts once reaped.
    for worker in multiprocessing.active_children():
        worker.join()
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


if __name__ == "__main__":
    sys.exit(main())
