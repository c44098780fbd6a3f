"""`python -m orchestration run`, with timers around the warehouse and extraction calls.

The benchmark runs the pipeline through this wrapper so that it can split Dagster's steps into
extraction, NLP, rules and loading without touching `orchestration/` or `extract/`: each timer
wraps one call made a few times per batch (or once per article for the rules), so the overhead
is microseconds. At exit the totals go, as JSON, to the file named by NEWSLEDGER_BENCH_TIMINGS.

    NEWSLEDGER_BENCH_TIMINGS=t.json python bench/_instrumented_cli.py
"""

from __future__ import annotations

import functools
import json
import os
import resource
import time
from collections import defaultdict
from pathlib import Path

TOTALS: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])  # label -> [seconds, calls]
CPU: dict[str, dict[str, float]] = {}  # label -> wall and CPU seconds of its last call
STARTED = time.time()
TIMINGS = os.environ.get("NEWSLEDGER_BENCH_TIMINGS")
# multiprocessing runs this file again, as `__mp_main__`, in each process it starts.
MAIN_PID = os.getpid() if __name__ == "__main__" else None
# Steps that run in a child process (orchestration.apart) time their calls there; the child ends
# without running atexit, so it appends each call to this file, which `dump` adds in.
FORKED_CALLS = Path(f"{TIMINGS}.forked.jsonl") if TIMINGS else None


def _timed(owner: object, name: str, label: str) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            _add(label, time.perf_counter() - started)

    setattr(owner, name, wrapper)


def _add(label: str, seconds: float) -> None:
    if os.getpid() == MAIN_PID:
        total = TOTALS[label]
        total[0] += seconds
        total[1] += 1
    elif FORKED_CALLS is not None:
        with FORKED_CALLS.open("a") as calls:
            calls.write(json.dumps([label, seconds]) + "\n")


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _timed_cpu(owner: object, name: str, label: str) -> None:
    """Like `_timed`, and also the CPU time of this process and of the children it reaped
    meanwhile (spaCy's workers are joined at the end of every `nlp.pipe`)."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        started, (own, children) = time.perf_counter(), _cpu()
        try:
            return original(*args, **kwargs)
        finally:
            own_after, children_after = _cpu()
            CPU[label] = {
                "seconds": round(time.perf_counter() - started, 3),
                "main_cpu_seconds": round(own_after - own, 3),
                "children_cpu_seconds": round(children_after - children, 3),
            }

    setattr(owner, name, wrapper)


def _time_near_duplicates_in_scans(inbox: type) -> None:
    """Times `mark_duplicates` from the scan on: the ingest code is imported only by the inbox
    scan's child process, and importing it here would lengthen this process's start-up."""
    original = inbox.scan

    @functools.wraps(original)
    def scan(*args, **kwargs):
        import extract.ingest

        if not hasattr(extract.ingest.mark_duplicates, "__wrapped__"):
            _timed(extract.ingest, "mark_duplicates", "ingest.mark_duplicates")
        return original(*args, **kwargs)

    inbox.scan = scan


def instrument() -> None:
    import extract.events
    import extract.nlp
    import extract.quantities
    import orchestration.cli
    from orchestration.resources import Inbox
    from orchestration.warehouse import Warehouse

    # ingest step: reading the inbox (near-duplicate marking inside it), then loading raw.*
    _time_near_duplicates_in_scans(Inbox)
    _timed(Inbox, "scan", "ingest.scan_inbox")
    _timed(Warehouse, "replace_inbox", "load.replace_inbox")
    # NLP step: bookkeeping queries, loading nlp.*, and the rules run on each Doc
    _timed_cpu(orchestration.cli, "tag_in_parallel", "nlp.tag_in_parallel")
    _timed(Warehouse, "forget_stale_tags", "load.forget_stale_tags")
    _timed(Warehouse, "untagged_article_ids", "read.untagged_article_ids")
    _timed(Warehouse, "article_texts", "read.article_texts")
    _timed(Warehouse, "load_tags", "load.load_tags")
    _timed(Warehouse, "row_counts", "read.row_counts")
    _timed(extract.nlp, "find_mentions", "rules.find_mentions")
    _timed(extract.nlp, "find_claims", "rules.find_claims")
    _timed(extract.nlp, "doc_sentences", "rules.doc_sentences")
    _timed(extract.events, "find_events", "rules.find_events")
    _timed(extract.quantities, "find_quantities", "rules.find_quantities")
    _timed(Warehouse, "publish", "publish.copy")


def instrument_validating() -> None:
    """The check steps, in the children of the validating server: reading the rows to validate
    into pandas, then Great Expectations."""
    import expectations
    from orchestration.validating import ValidatedRows

    _timed(ValidatedRows, "read", "checks.read_rows")
    _timed(expectations, "validate_table", "checks.validate_table")


def dump(path: Path) -> None:
    if FORKED_CALLS is not None and FORKED_CALLS.exists():
        for line in FORKED_CALLS.read_text().splitlines():
            label, seconds = json.loads(line)
            _add(label, seconds)
        FORKED_CALLS.unlink()
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = {
        "calls": {label: {"seconds": round(s, 4), "calls": n} for label, (s, n) in TOTALS.items()},
        "cpu_of": CPU,
        "process_seconds": round(time.time() - STARTED, 3),
        "cpu": {
            "main_user": own.ru_utime,
            "main_system": own.ru_stime,
            "children_user": children.ru_utime,
            "children_system": children.ru_stime,
        },
        "maxrss_kib": {"main": own.ru_maxrss, "largest_child": children.ru_maxrss},
    }
    path.write_text(json.dumps(report, indent=1))


def main() -> int:
    if FORKED_CALLS is not None:
        FORKED_CALLS.unlink(missing_ok=True)
    instrument()
    from orchestration.cli import main as cli_main

    try:
        return cli_main(["run"])
    finally:
        if TIMINGS:
            dump(Path(TIMINGS))


if __name__ == "__mp_main__":
    instrument_validating()
if __name__ == "__main__":
    from orchestration.cli import exit_now

    exit_now(main())
