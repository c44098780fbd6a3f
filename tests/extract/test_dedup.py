"""Exact and near-duplicate articles."""

from __future__ import annotations

import dataclasses
import hashlib

import numpy as np

from extract.dedup import mark_duplicates
from extract.records import Article

WIRE = (
    "Rail workers returned to work on Monday after unions and the national operator agreed a "
    "two-year pay deal, ending a strike that had halted most commuter trains for a week. The "
    "agreement still has to be approved by union members in a vote next month, and the operator "
    "said the full timetable would be restored by Wednesday morning at the latest."
)
OTHER = (
    "A late-season storm cut power to about 40,000 homes across the northern valleys on Sunday, "
    "the regional grid operator said, and repair crews expected to restore most connections by "
    "Monday evening."
)


def article(article_id: str, body: str) -> Article:
    return Article(
        article_id=article_id,
        document_id="d",
        source_file=f"{article_id}.txt",
        story_index=0,
        title=None,
        kicker=None,
        byline=None,
        outlet=None,
        url=None,
        published_date=None,
        date_source="unknown",
        date_text=None,
        body=body,
        word_count=len(body.split()),
        credits=(),
        boilerplate=(),
        content_hash=hashlib.sha256(" ".join(body.split()).encode()).hexdigest(),
        duplicate_of=None,
        extra=None,
    )


def duplicates(*articles: Article) -> list[str | None]:
    return [a.duplicate_of for a in mark_duplicates(list(articles))]


def test_exact_copies_point_to_the_first() -> None:
    assert duplicates(article("a", WIRE), article("b", OTHER), article("c", WIRE)) == [
        None,
        None,
        "a",
    ]


def test_near_copy_with_small_edits_points_to_the_first() -> None:
    edited = WIRE.replace("on Monday", "on Monday morning").replace(
        "most commuter", "nearly all commuter"
    )
    assert duplicates(article("a", WIRE), article("b", edited)) == [None, "a"]


def test_copy_of_a_copy_points_to_the_original() -> None:
    edited = WIRE.replace("on Monday", "on Monday morning")
    assert duplicates(article("a", WIRE), article("b", edited), article("c", edited)) == [
        None,
        "a",
        "a",
    ]


def test_different_stories_are_not_duplicates() -> None:
    half = WIRE[: len(WIRE) // 2]
    assert duplicates(article("a", WIRE), article("b", OTHER), article("c", half)) == [
        None,
        None,
        None,
    ]


def test_short_and_empty_bodies_only_match_exactly() -> None:
    assert duplicates(article("a", "Yes."), article("b", "No."), article("c", "Yes.")) == [
        None,
        None,
        "a",
    ]
    assert duplicates(article("a", "..."), article("b", "...")) == [None, "a"]


def test_order_and_other_fields_are_kept() -> None:
    items = [article("a", WIRE), article("b", OTHER)]
    marked = mark_duplicates(items)
    assert [dataclasses.replace(a, duplicate_of=None) for a in marked] == items


def test_judged_articles_keep_their_verdicts_unless_they_may_match_a_change() -> None:
    earlier = mark_duplicates([article("a", WIRE), article("b", OTHER), article("c", WIRE)])
    # A verdict is not judged again, even one the bodies alone would not give ...
    kept = [*earlier[:2], dataclasses.replace(earlier[2], duplicate_of="b")]
    unrelated = article("a0", "Quarterly grain exports rose by a tenth, the ministry said.")
    marked = mark_duplicates([unrelated, *kept], judged={"a", "b", "c"})
    assert [a.duplicate_of for a in marked] == [None, None, None, "b"]
    # ... unless an article it may match is new before it: then it is judged by its body.
    edited = article("a0", WIRE.replace("on Monday", "on Monday morning"))
    marked = mark_duplicates([edited, *kept], judged={"a", "b", "c"})
    assert [a.duplicate_of for a in marked] == [None, "a0", None, "a0"]


def _rescan_verdicts(before: list[Article], after: list[Article]) -> list[str | None]:
    """The verdicts on `after` marked from those on `before`, as a rescan does."""
    earlier = {a.article_id: a for a in mark_duplicates(before)}
    judged = {
        a.article_id
        for a in after
        if a.article_id in earlier and earlier[a.article_id].content_hash == a.content_hash
    }
    gone = [a for a in earlier.values() if a.article_id not in judged]
    carried = [earlier[a.article_id] if a.article_id in judged else a for a in after]
    return [a.duplicate_of for a in mark_duplicates(carried, judged=judged, gone=gone)]


def test_marking_only_what_changed_gives_what_marking_everything_gives() -> None:
    edited = WIRE.replace("on Monday", "on Monday morning")
    bodies = [WIRE, OTHER, edited, "Yes.", OTHER, "Yes.", edited + " More to follow.", ""]
    items = [article(name, body) for name, body in zip("bdfhjlnp", bodies, strict=True)]
    retold = WIRE.replace("for a week", "for seven days")  # near the first three, equal to none
    variants = [OTHER, WIRE, edited, retold, "Yes.", "No."]
    changes = []  # (what changed, before, after)
    for position in range(len(items) + 1):
        for body in variants:
            added = article(chr(ord("a") + 2 * position), body)  # sorts in at `position`
            with_added = [*items[:position], added, *items[position:]]
            changes.append((f"{body[:9]!r} added at {position}", items, with_added))
            changes.append((f"{body[:9]!r} gone from {position}", with_added, items))
            if position < len(items):
                with_edit = [*items]
                with_edit[position] = article(items[position].article_id, body)
                changes.append((f"{position} edited to {body[:9]!r}", items, with_edit))
    for change, before, after in changes:
        whole = [a.duplicate_of for a in mark_duplicates(after)]
        assert _rescan_verdicts(before, after) == whole, change


def test_minhashes_computed_are_kept_and_those_given_are_used() -> None:
    edited = WIRE.replace("on Monday", "on Monday morning")
    items = [article("a", WIRE), article("b", OTHER), article("c", edited), article("d", "")]
    minhashes: dict[str, bytes] = {}
    everything = mark_duplicates(items, minhashes=minhashes)
    assert [a.duplicate_of for a in everything] == [None, None, "a", None]
    assert sorted(minhashes) == ["a", "b", "c"]  # a body without words has none
    assert mark_duplicates(items, minhashes=dict(minhashes)) == everything
    # Given c the MinHash of b, the index never offers a as a candidate for c.
    misled = mark_duplicates(items, minhashes={**minhashes, "c": minhashes["b"]})
    assert [a.duplicate_of for a in misled] == [None, None, None, None]


def test_the_band_index_gives_the_candidates_datasketch_gives() -> None:
    import random

    from datasketch import LeanMinHash, MinHashLSH

    from extract.dedup import _SEED, _SEEDED, _BandIndex, _minhash, _shingle_hashes

    words = (WIRE + " " + OTHER).split()
    rng = random.Random(3)
    bodies = [WIRE, OTHER] + [
        " ".join(w if rng.random() > share else rng.choice(words) for w in words)
        for share in (0.02, 0.05, 0.1, 0.2, 0.3, 0.5)
        for _ in range(6)
    ]
    minhashes = [_minhash(_shingle_hashes(body, 3)) for body in bodies]
    ours, theirs = _BandIndex(0.6), MinHashLSH(threshold=0.6, num_perm=len(_SEEDED.hashvalues))
    for key, minhash in enumerate(minhashes):
        values = np.frombuffer(minhash, dtype=_SEEDED.hashvalues.dtype)
        lean = LeanMinHash(seed=_SEED, hashvalues=values, scheme=_SEEDED.scheme)
        assert ours.query(minhash) == set(theirs.query(lean)), key
        ours.insert(key, minhash)
        theirs.insert(key, lean)
    # not only themselves: near copies among them
    assert sum(len(ours.query(minhash)) > 1 for minhash in minhashes) >= len(bodies) // 3
