"""Exact and near-duplicate articles: the same wire story filed twice, or republished with edits.

Exact copies share a content hash. Near copies are found with MinHash over word shingles
(candidates from an LSH index banded as datasketch's), then confirmed by the exact Jaccard
similarity of the shingle sets, so short bodies are judged as fairly as long ones.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections.abc import Callable, Collection, Iterable, MutableMapping, Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

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
    judged: Collection[str] = frozenset(),
    gone: Iterable[Article] = (),
    minhashes: MutableMapping[str, bytes] | None = None,
    threshold: float = 0.8,
    shingle_words: int = 3,
) -> list[Article]:
    """Return `articles` in order, each later copy's `duplicate_of` set to the first copy's id.

    A copy is an article with the same content hash, or whose word shingles have a Jaccard
    similarity of at least `threshold` with an earlier article's.

    `judged` names the articles whose `duplicate_of` an earlier call gave, over these articles
    in this order but for what changed since: the articles not in `judged` (new or edited) and
    those of `gone` (the earlier call's articles that are no longer there, or were edited). An
    article's verdict depends only on the earlier articles it may match: the same content hash,
    or an LSH candidate. So a judged article is judged again only when it may match a change,
    and one whose verdict then changes is a change for the articles after it.

    `minhashes` (article id -> MinHash of its body, from an earlier call with the same
    `shingle_words`) spares computing those again; the ones computed are added to it.
    """
    minhashes = {} if minhashes is None else minhashes
    lsh_threshold = max(threshold - _LSH_MARGIN, 0.1)
    index = _BandIndex(lsh_threshold)
    changes = _Changes(_BandIndex(lsh_threshold))
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

    def signature(article: Article) -> bytes | None:
        """None for a body without words."""
        values = minhashes.get(article.article_id)
        if values is None:
            article_shingles = shingles(article)
            if not article_shingles.size:
                return None
            values = minhashes[article.article_id] = _minhash(article_shingles)
        return values

    for article in gone:
        gone_shingles = _shingle_hashes(article.body, shingle_words)
        changes.add(article, _minhash(gone_shingles) if gone_shingles.size else None)
    for article in articles:
        article_signature = None
        if article.article_id in judged and not changes.may_match(article, signature):
            original = article.duplicate_of
            if original is None:
                article_signature = signature(article)
        else:
            original = first_by_hash.get(article.content_hash)
            if original is None:
                article_signature = signature(article)
                if article_signature is not None:
                    candidates = index.query(article_signature)
                    if candidates:
                        original = _first_similar(
                            candidates, shingles(article), indexed, shingles, threshold
                        )
            if article.article_id not in judged or original != article.duplicate_of:
                changes.add(article, signature(article))
        if original is None and article_signature is not None:
            index.insert(article.article_id, article_signature)
            indexed[article.article_id] = (len(indexed), article)
        else:
            shingles_by_id.pop(article.article_id, None)  # never a candidate: not needed again
        first_by_hash.setdefault(article.content_hash, original or article.article_id)
        if original != article.duplicate_of:
            article = dataclasses.replace(article, duplicate_of=original)
        result.append(article)
    return result


@functools.cache
def _bands(threshold: float) -> tuple[int, int]:
    """How many bands of how many rows datasketch's LSH index splits a MinHash into for
    `threshold` (it weighs false positives and negatives alike)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=_NUM_PERM)
    return lsh.b, lsh.r


class _BandIndex:
    """MinHash LSH: the keys of the signatures that share all the rows of a band with a given one.
    Banded as datasketch's index is, so it gives the same candidates; each band is a dict keyed by
    the band's bytes, which takes a tenth of datasketch's time to fill."""

    def __init__(self, threshold: float) -> None:
        bands, rows = _bands(threshold)
        width = rows * _SEEDED.hashvalues.itemsize
        self._slices = [slice(band * width, (band + 1) * width) for band in range(bands)]
        self._tables: list[dict[bytes, list]] = [{} for _ in range(bands)]

    def insert(self, key: object, minhash: bytes) -> None:
        for part, table in zip(self._slices, self._tables, strict=True):
            table.setdefault(minhash[part], []).append(key)

    def query(self, minhash: bytes) -> set:
        found: set = set()
        for part, table in zip(self._slices, self._tables, strict=True):
            found.update(table.get(minhash[part], ()))
        return found


class _Changes:
    """The articles added, edited, gone or judged anew so far: what a judged article may match."""

    def __init__(self, index: _BandIndex) -> None:
        self._index = index
        self._content_hashes: set[str] = set()
        self._signed = 0  # an edited article is here twice, as it was and as it is

    def add(self, article: Article, signature: bytes | None) -> None:
        self._content_hashes.add(article.content_hash)
        if signature is not None:
            self._index.insert(self._signed, signature)
            self._signed += 1

    def may_match(self, article: Article, signature: Callable[[Article], bytes | None]) -> bool:
        if not self._content_hashes:
            return False
        if article.content_hash in self._content_hashes:
            return True
        if not self._signed:
            return False
        article_signature = signature(article)
        return article_signature is not None and bool(self._index.query(article_signature))


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
