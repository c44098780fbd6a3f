"""The bare limit: the trained pipeline over the article bodies, nothing else.

Reads one body per JSON line, loads the model (newsledger's `build_nlp`, or plain `spacy.load`),
runs `nlp.pipe(bodies, n_process=..., batch_size=...)` and prints one JSON object: the load and
pipe times, documents, words (whitespace-split, as `raw.articles.word_count` counts them) and
tokens. Run by `run_bench.py` in its own process, so its memory is measured on its own.

    python bench/_bare_nlp.py --bodies bodies.jsonl --variant newsledger --n-process 2
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bodies", type=Path, required=True)
    parser.add_argument("--variant", choices=("newsledger", "plain"), default="newsledger")
    parser.add_argument("--model", default=None, help="default: extract.nlp.DEFAULT_MODEL")
    parser.add_argument("--n-process", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args(argv)

    with args.bodies.open(encoding="utf-8") as lines:
        bodies = [json.loads(line) for line in lines if line.strip()]
    started = time.perf_counter()
    import spacy

    from extract.nlp import DEFAULT_MODEL, build_nlp

    model = args.model or DEFAULT_MODEL
    nlp = build_nlp(model) if args.variant == "newsledger" else spacy.load(model)
    loaded = time.perf_counter()
    tokens = 0
    for doc in nlp.pipe(bodies, n_process=args.n_process, batch_size=args.batch_size):
        tokens += len(doc)
    finished = time.perf_counter()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    words = sum(len(body.split()) for body in bodies)
    print(
        json.dumps(
            {
                "variant": args.variant,
                "model": model,
                "pipe_names": nlp.pipe_names,
                "n_process": args.n_process,
                "batch_size": args.batch_size,
                "docs": len(bodies),
                "words": words,
                "tokens": tokens,
                "load_seconds": round(loaded - started, 3),
                "pipe_seconds": round(finished - loaded, 3),
                "words_per_second": round(words / (finished - loaded), 1),
                "docs_per_second": round(len(bodies) / (finished - loaded), 2),
                "cpu": {"main_user": own.ru_utime, "children_user": children.ru_utime},
                "maxrss_kib": {"main": own.ru_maxrss, "largest_child": children.ru_maxrss},
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
