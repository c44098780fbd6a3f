"""Slicing the articles that need tags into batches, each tagged on its own and loaded whole.

A batch's key is a hash of the tagger version, the batches' owner and its article ids, so
planning the same work twice gives the same keys, a batch that was tagged before is kept rather
than redone, and two owners (warehouses sharing a Dagster instance) never share a key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


def batch_key(tagger_version: str, article_ids: Sequence[str], owner: str = "") -> str:
    """The deterministic name of the batch of these articles tagged by this tagger version for
    `owner`."""
    digest = hashlib.sha256(f"{tagger_version}\n{owner}".encode())
    for article_id in article_ids:
        digest.update(b"\n" + article_id.encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class BatchPlan:
    """Which existing batches stay, which are new (key -> article ids), which go."""

    kept: list[str] = field(default_factory=list)
    new: dict[str, list[str]] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [*self.kept, *self.new]


def plan_batches(
    pending: Sequence[str],
    existing: Mapping[str, Sequence[str]],
    *,
    tagger_version: str,
    size: int,
    owner: str = "",
) -> BatchPlan:
    """Covers every pending article id with exactly one batch of at most `size` articles.

    An existing batch (key -> its article ids) is kept when it was planned by this tagger
    version and all its articles are still pending; the other pending articles are sliced in
    their given order into as few batches as `size` allows, as even as can be (sizes differ by
    at most one), so that batches tagged side by side finish together. Every other existing
    batch is dropped: an article of it changed, left the inbox, was tagged meanwhile, or the
    tagger changed. Keys are `owner`'s: another owner planning the same articles gets others.
    """
    if size < 1:
        raise ValueError(f"a batch holds at least one article, not {size}")
    waiting = set(pending)
    kept, dropped, covered = [], [], set()
    for key, article_ids in sorted(existing.items()):
        ids = list(article_ids)
        still_wanted = ids and waiting.issuperset(ids) and covered.isdisjoint(ids)
        if still_wanted and batch_key(tagger_version, ids, owner) == key:
            kept.append(key)
            covered.update(ids)
        else:
            dropped.append(key)
    rest = [article_id for article_id in pending if article_id not in covered]
    new = {}
    n_batches = -(-len(rest) // size)
    start = 0
    for index in range(n_batches):
        end = start + len(rest) // n_batches + (index < len(rest) % n_batches)
        ids = rest[start:end]
        new[batch_key(tagger_version, ids, owner)] = ids
        start = end
    return BatchPlan(kept=kept, new=new, dropped=dropped)
