"""Exact and near-duplicate articles: the same wire story filed twice, or republished with edits.

Exact copies share a content hash. Near copies are found with MinHash over word shingles
(datasketch's LSH index for candidates), then confirmed by the exact Jaccard similarity of the
shingle sets, so short bodies are judged as fairly as long ones.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from datasketch import MinHash, MinHashLSH

from extract.records import Article

_NUM_PERM = 128
_SEED = 1  # fixed, so the same inbox always gives the same candidates
# The index is asked for looser candidates than the threshold, since MinHash estimates miss
# pairs just above it; every candidate is then checked exactly.
_LSH_MARGIN = 0.2


def mark_duplicates(
    articles: Sequence[Article], *, threshold: float = 0.8, shingle_words: int = 3
) -> list[Article]:
    """Return `articles` in order, each later copy's `duplicate_of` set to the first copy's id.

    A copy is an article with the same content hash, or whose word shingles have a Jaccard
    similarity of at least `threshold` with an earlier article's.
    """
    index = MinHashLSH(threshold=max(threshold - _LSH_MARGIN, 0.1), num_perm=_NUM_PERM)
    indexed: dict[str, tuple[int, set[str]]] = {}  # article_id -> (rank, shingles)
    first_by_hash: dict[str, str] = {}
    result = []
    for article in articles:
        original = first_by_hash.get(article.content_hash)
        shingles = _shingles(article.body, shingle_words)
        if original is None and shingles:
            signature = MinHash(num_perm=_NUM_PERM, seed=_SEED)
            signature.update_batch([s.encode("utf-8") for s in shingles])
            original = _first_similar(index.query(signature), shingles, indexed, threshold)
            if original is None:
                index.insert(article.article_id, signature)
                indexed[article.article_id] = (len(indexed), shingles)
        first_by_hash.setdefault(article.content_hash, original or article.article_id)
        result.append(dataclasses.replace(article, duplicate_of=original))
    return result


def _first_similar(
    candidates: list[str],
    shingles: set[str],
    indexed: dict[str, tuple[int, set[str]]],
    threshold: float,
) -> str | None:
    """The earliest indexed article whose shingles really are that similar (LSH may guess)."""
    similar = [
        candidate
        for candidate in candidates
        if len(shingles & indexed[candidate][1])
        >= threshold * len(shingles | indexed[candidate][1])
    ]
    return min(similar, key=lambda candidate: indexed[candidate][0]) if similar else None


def _shingles(body: str, size: int) -> set[str]:
    words = re.findall(r"\w+", body.casefold())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}
