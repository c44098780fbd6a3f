"""Exact and near-duplicate articles: the same wire story filed twice, or republished with edits.

Exact copies share a content hash. Near copies are found with MinHash over word shingles
(datasketch's LSH index for candidates), then confirmed by the exact Jaccard similarity of the
shingle sets, so short bodies are judged as fairly as long ones.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections.abc import Callable, MutableMapping, Sequence

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from extract.records import Article

_NUM_PERM = 128
_SEED = 1  # fixed, so the same inbox always gives the same candidates
# The index is asked for looser candidates than the threshold, since MinHash estimates miss
# pairs just above it; every candidate is then checked exactly.
_LSH_MARGIN = 0.2
_MIX = np.uint64(0x9E3779B97F4A7C15)  # an odd 64-bit constant (the golden ratio's)
# Its permutations are drawn from _SEED once; every article's MinHash reuses them.
_SEEDED = MinHash(num_perm=_NUM_PERM, seed=_SEED)


def mark_duplicates(
    articles: Sequence[Article],
    *,
    settled: int = 0,
    minhashes: MutableMapping[str, bytes] | None = None,
    threshold: float = 0.8,
    shingle_words: int = 3,
) -> list[Article]:
    """Return `articles` in order, each later copy's `duplicate_of` set to the first copy's id.

    A copy is an article with the same content hash, or whose word shingles have a Jaccard
    similarity of at least `threshold` with an earlier article's. The first `settled` articles
    keep their `duplicate_of`: an earlier call gave it to exactly these articles in this order,
    and nothing after them can change it, so they are only indexed for the articles after them.

    `minhashes` (article id -> MinHash of its body, from an earlier call with the same
    `shingle_words`) spares computing those again; the ones computed are added to it.
    """
    minhashes = {} if minhashes is None else minhashes
    index = MinHashLSH(threshold=max(threshold - _LSH_MARGIN, 0.1), num_perm=_NUM_PERM)
    # Each shingle is kept as a 64-bit hash, sorted: a few KB per article instead of a set of
    # strings ten times that size, which would make the index grow into gigabytes. Only the
    # articles a MinHash must be computed for, or whose candidates are checked, need them.
    shingles_by_id: dict[str, np.ndarray] = {}
    indexed: dict[str, tuple[int, Article]] = {}  # article_id -> (rank, article)
    first_by_hash: dict[str, str] = {}
    result = []

    def shingles(article: Article) -> np.ndarray:
        found = shingles_by_id.get(article.article_id)
        if found is None:
            found = _shingle_hashes(article.body, shingle_words)
            shingles_by_id[article.article_id] = found
        return found

    def signature(article: Article) -> LeanMinHash | None:
        """None for a body without words."""
        values = minhashes.get(article.article_id)
        if values is None:
            article_shingles = shingles(article)
            if not article_shingles.size:
                return None
            values = minhashes[article.article_id] = _minhash(article_shingles)
        return LeanMinHash(seed=_SEED, hashvalues=_values(values), scheme=_SEEDED.scheme)

    for position, article in enumerate(articles):
        if position < settled:
            original = article.duplicate_of
            article_signature = signature(article) if original is None else None
        else:
            original = first_by_hash.get(article.content_hash)
            article_signature = None
            if original is None:
                article_signature = signature(article)
                if article_signature is not None:
                    candidates = index.query(article_signature)
                    if candidates:
                        original = _first_similar(
                            candidates, shingles(article), indexed, shingles, threshold
                        )
        if original is None and article_signature is not None:
            index.insert(article.article_id, article_signature)
            indexed[article.article_id] = (len(indexed), article)
        else:
            shingles_by_id.pop(article.article_id, None)  # never a candidate: not needed again
        first_by_hash.setdefault(article.content_hash, original or article.article_id)
        result.append(dataclasses.replace(article, duplicate_of=original))
    return result


def _minhash(shingles: np.ndarray) -> bytes:
    signature = MinHash(
        num_perm=_NUM_PERM,
        seed=_SEED,
        hashfunc=int,
        permutations=_SEEDED.permutations,
        scheme=_SEEDED.scheme,
    )
    # MinHash expects 32-bit hashes of its items; the high half of each shingle's.
    signature.update_batch(shingles >> np.uint64(32))
    return signature.hashvalues.tobytes()


def _values(minhash: bytes) -> np.ndarray:
    return np.frombuffer(minhash, dtype=_SEEDED.hashvalues.dtype)


def _first_similar(
    candidates: list[str],
    article_shingles: np.ndarray,
    indexed: dict[str, tuple[int, Article]],
    shingles: Callable[[Article], np.ndarray],
    threshold: float,
) -> str | None:
    """The earliest indexed article whose shingles really are that similar (LSH may guess)."""
    similar = []
    for candidate in candidates:
        other = shingles(indexed[candidate][1])
        shared = np.intersect1d(article_shingles, other, assume_unique=True).size
        if shared >= threshold * (article_shingles.size + other.size - shared):
            similar.append(candidate)
    return min(similar, key=lambda candidate: indexed[candidate][0]) if similar else None


def _shingle_hashes(body: str, size: int) -> np.ndarray:
    """The distinct 64-bit hashes of the body's `size`-word shingles, sorted (a body of at most
    `size` words is one shingle)."""
    words = re.findall(r"\w+", body.casefold())
    if not words:
        return np.empty(0, dtype=np.uint64)
    hashes = np.fromiter(map(_word_hash, words), dtype=np.uint64, count=len(words))
    width = min(size, len(hashes))
    combined = np.zeros(len(hashes) - width + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):  # the arithmetic wraps around 2**64 on purpose
        for offset in range(width):
            combined = combined * _MIX + hashes[offset : offset + len(combined)]
        combined ^= combined >> np.uint64(31)
        combined *= _MIX
    return np.unique(combined)


@functools.lru_cache(maxsize=1 << 18)  # a language's common words, not a corpus's
def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
