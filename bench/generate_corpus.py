"""A synthetic but realistic inbox for the benchmark: N news articles recombined from `seeds/`.

The seed articles are cut into stories with `extract.stories.split_stories` (captions, bylines
and credits set aside, as the ingest does) and into sentences; an article is a run of
consecutive seed sentences (so a quote keeps the sentence that introduces it) followed by more
runs, grouped into paragraphs of one to three sentences, with the article's own weekdays, figures
and places swapped in so that no two originals read alike. Lengths follow a log-normal clipped
to 150-1,200 words; outlets, dates and URLs vary.

A share of the articles (30% by default) are near-duplicates: republished wire copy of an
earlier original under another outlet, with a few words changed, maybe a sentence dropped or the
last paragraph cut. Each one stays above the ingest's duplicate threshold (word 3-shingle Jaccard
0.8) with a margin (>= 0.85 with its original), so the pipeline should recognise nearly all of them;
it misses a copy whose original it has itself marked as a duplicate of another article.

One JSON file per article (`title`, `body`, `url`, `published`, `outlet`, `author`), as news APIs
export them. Everything is deterministic given `seed`.

    python bench/generate_corpus.py --articles 1000 --out /tmp/inbox
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from extract.stories import OUTLETS, split_stories  # noqa: E402

SEEDS_DIR = REPO / "seeds"
MIN_WORDS, MAX_WORDS = 150, 1200
MEDIAN_WORDS, LENGTH_SIGMA = 520, 0.55
# A near-duplicate must stay clearly above the ingest's threshold (0.8), measured the same way.
MIN_DUPLICATE_JACCARD = 0.85
SHINGLE_WORDS = 3
FIRST_DAY = dt.date(2024, 10, 1)
DAYS = 120

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Places of the seed stories and real places they may become in a recombined article.
PLACES = (
    "Kursk", "Kyiv", "Kharkiv", "Mykolaiv", "Belgorod", "Bryansk", "Kryvyi Rih", "Zaporizhzhia",
    "Donetsk", "Odesa", "Sumy", "Kherson", "Dnipro", "Poltava", "Chernihiv", "Pokrovsk",
)
AUTHORS = (
    "Anna Kovalenko", "James Carter", "Min-ji Park", "Olena Shevchenko", "David Brennan",
    "Hiroshi Tanaka", "Sarah Mitchell", "Taras Bondarenko", "Laura Weiss", "Daniel Ortiz",
)
# Word swaps an editor makes when republishing wire copy.
EDITS = {
    "said": "stated", "told": "informed", "killed": "left dead", "troops": "soldiers",
    "soldiers": "troops", "attack": "assault", "officials": "authorities", "about": "around",
    "also": "further", "several": "a number of", "reported": "announced",
    "military": "armed forces",
}
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[”\"’)]?\s+(?=[“\"‘(]?[A-Z])")
_NUMBER_RE = re.compile(r"(?<![\w.,$])(\d{1,3}(?:,\d{3})+|\d+)(?![\w.,]\d)")
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class GeneratedArticle:
    """One article of the corpus, as written to the inbox."""

    file_name: str
    title: str
    body: str
    url: str
    published: str  # ISO 8601
    outlet: str
    author: str | None
    words: int
    duplicate_of: str | None  # file name of the original this one republishes
    jaccard: float | None  # shingle similarity with that original

    def as_json(self) -> dict[str, str]:
        record = {
            "title": self.title,
            "body": self.body,
            "url": self.url,
            "published": self.published,
            "outlet": self.outlet,
        }
        if self.author:
            record["author"] = self.author
        return record


def seed_sentences(seeds_dir: Path = SEEDS_DIR) -> list[list[str]]:
    """The sentences of every seed story, one list per story, in reading order."""
    stories = []
    for path in sorted(seeds_dir.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        for story in split_stories(path.read_text(encoding="utf-8")):
            sentences = [
                " ".join(sentence.split())
                for paragraph in story.body.split("\n\n")
                for sentence in _SENTENCE_END_RE.split(paragraph)
                # Whole sentences only: the seeds hold a few fragments cut off by the page.
                if len(sentence.split()) >= 4 and sentence.rstrip()[-1] in ".!?”\"’)"
            ]
            if sentences:
                stories.append(sentences)
    if not stories:
        raise SystemExit(f"no seed sentences found in {seeds_dir}")
    return stories


def generate_corpus(
    n: int,
    *,
    seed: int = 7,
    duplicate_share: float = 0.3,
    prefix: str = "",
    seeds_dir: Path = SEEDS_DIR,
) -> list[GeneratedArticle]:
    """`n` articles, `round(n * duplicate_share)` of them near-duplicates of earlier originals."""
    rng = random.Random(seed)
    stories = seed_sentences(seeds_dir)
    outlets = sorted(OUTLETS)
    n_duplicates = round(n * duplicate_share)
    # Where the copies go: never first, so that every copy has an earlier original to copy.
    duplicate_slots = set(rng.sample(range(1, n), min(n_duplicates, max(n - 1, 0))))
    articles: list[GeneratedArticle] = []
    originals: list[GeneratedArticle] = []
    for index in range(n):
        if index in duplicate_slots and originals:
            # Popular wire stories are republished more often: favour recent, repeated ones.
            back = min(int(rng.expovariate(1 / 40)), len(originals) - 1)
            original = originals[-1 - back]
            article = _near_duplicate(rng, original, index, outlets, prefix)
        else:
            article = _original(rng, stories, index, outlets, prefix)
            originals.append(article)
        articles.append(article)
    return articles


def write_corpus(articles: Sequence[GeneratedArticle], inbox: Path) -> None:
    """One JSON file per article in `inbox` (created if needed)."""
    inbox.mkdir(parents=True, exist_ok=True)
    for article in articles:
        text = json.dumps(article.as_json(), ensure_ascii=False, indent=1)
        (inbox / article.file_name).write_text(text + "\n", encoding="utf-8")


def write_manifest(articles: Sequence[GeneratedArticle], path: Path) -> None:
    """What was generated, one JSON line per article (bodies left out)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for article in articles:
            record = dataclasses.asdict(article)
            del record["body"]
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def summary(articles: Sequence[GeneratedArticle]) -> dict[str, float | int]:
    words = [a.words for a in articles]
    duplicate_words = sum(a.words for a in articles if a.duplicate_of)
    return {
        "articles": len(articles),
        "near_duplicates": sum(1 for a in articles if a.duplicate_of),
        "words": sum(words),
        "near_duplicate_words": duplicate_words,
        "near_duplicate_word_share": round(duplicate_words / sum(words), 4) if words else 0.0,
        "min_words": min(words, default=0),
        "median_words": sorted(words)[len(words) // 2] if words else 0,
        "max_words": max(words, default=0),
        "outlets": len({a.outlet for a in articles}),
    }


def _original(
    rng: random.Random, stories: list[list[str]], index: int, outlets: list[str], prefix: str
) -> GeneratedArticle:
    target = _length(rng)
    swaps = _article_swaps(rng)
    sentences: list[str] = []
    used: set[tuple[int, int]] = set()
    words = 0
    available = sum(len(story) for story in stories)
    for _ in range(10 * available):  # stops well before this, at the target length
        if words >= target or len(used) == available or MAX_WORDS - words < 4:
            break
        story_no = rng.randrange(len(stories))
        story = stories[story_no]
        start = rng.randrange(len(story))
        for position in range(start, min(start + rng.randint(2, 6), len(story))):
            if (story_no, position) in used:
                break
            sentence = _swap(story[position], swaps)
            if sentences and words + len(sentence.split()) > MAX_WORDS:
                break
            used.add((story_no, position))
            sentences.append(sentence)
            words += len(sentence.split())
            if words >= target:
                break
    body = _paragraphs(rng, sentences)
    outlet = rng.choice(outlets)
    day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
    published = dt.datetime.combine(day, dt.time(rng.randrange(24), rng.randrange(60)))
    title = _headline(next((s for s in sentences if s[0].isalpha()), sentences[0]))
    return GeneratedArticle(
        file_name=_file_name(published, outlet, index, prefix),
        title=title,
        body=body,
        url=_url(outlet, published, title, index, prefix),
        published=published.isoformat() + "Z",
        outlet=outlet,
        author=rng.choice(AUTHORS) if rng.random() < 0.6 else None,
        words=len(body.split()),
        duplicate_of=None,
        jaccard=None,
    )


def _near_duplicate(
    rng: random.Random, original: GeneratedArticle, index: int, outlets: list[str], prefix: str
) -> GeneratedArticle:
    """Wire copy republished: another outlet, a day or two later, a few words edited."""
    reference = _shingles(original.body)
    for attempt in range(8):
        paragraphs = [p.split("\n") for p in original.body.split("\n\n")]
        flat = [(i, j) for i, p in enumerate(paragraphs) for j in range(len(p))]
        if attempt < 6 and len(flat) > 8 and rng.random() < 0.5:
            i, j = rng.choice(flat[1:])  # drop one sentence, never the lead
            del paragraphs[i][j]
        if attempt < 4 and len(paragraphs) > 6 and rng.random() < 0.3:
            paragraphs = paragraphs[:-1]  # cut to fit
        text = "\n\n".join(" ".join(p) for p in paragraphs if p)
        text = _edit_words(rng, text, n=rng.randint(2, 5) if attempt < 6 else 1)
        similarity = _jaccard(reference, _shingles(text))
        if similarity >= MIN_DUPLICATE_JACCARD:
            break
    else:
        text, similarity = original.body, 1.0
    outlet = rng.choice([o for o in outlets if o != original.outlet])
    published = dt.datetime.fromisoformat(original.published.rstrip("Z")) + dt.timedelta(
        hours=rng.randint(1, 48)
    )
    title = original.title if rng.random() < 0.5 else _edit_words(rng, original.title, n=1)
    return GeneratedArticle(
        file_name=_file_name(published, outlet, index, prefix),
        title=title,
        body=text,
        url=_url(outlet, published, title, index, prefix),
        published=published.isoformat() + "Z",
        outlet=outlet,
        author=None,
        words=len(text.split()),
        duplicate_of=original.file_name,
        jaccard=round(similarity, 4),
    )


def _length(rng: random.Random) -> int:
    words = rng.lognormvariate(math.log(MEDIAN_WORDS), LENGTH_SIGMA)
    return int(min(max(words, MIN_WORDS), MAX_WORDS))


def _article_swaps(rng: random.Random) -> dict[str, object]:
    """This article's own weekdays, places and figures, so that no two originals read alike."""
    days = list(WEEKDAYS)
    rng.shuffle(days)
    places = list(PLACES)
    rng.shuffle(places)
    return {
        "weekdays": dict(zip(WEEKDAYS, days, strict=True)),
        "places": dict(zip(PLACES, places, strict=True)),
        "scale": rng.choice((0.5, 0.75, 1.0, 1.0, 1.25, 1.5, 2.0, 3.0)),
    }


def _swap(sentence: str, swaps: dict[str, object]) -> str:
    names = {**swaps["weekdays"], **swaps["places"]}  # type: ignore[dict-item]
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    sentence = pattern.sub(lambda m: names[m.group(1)], sentence)
    scale = swaps["scale"]
    return _NUMBER_RE.sub(lambda m: _scaled(m.group(1), scale), sentence)  # type: ignore[arg-type]


def _scaled(number: str, scale: float) -> str:
    value = int(number.replace(",", ""))
    if scale == 1.0 or value < 10 or 1900 <= value <= 2100:  # small counts and years stay
        return number
    scaled = max(1, round(value * scale))
    return f"{scaled:,}" if "," in number or scaled >= 10_000 else str(scaled)


def _paragraphs(rng: random.Random, sentences: list[str]) -> str:
    """Sentences grouped 1-3 to a paragraph, as wire copy is laid out (lead on its own)."""
    paragraphs = [sentences[:1]]
    rest = sentences[1:]
    while rest:
        size = rng.choice((1, 1, 2, 2, 2, 3))
        paragraphs.append(rest[:size])
        rest = rest[size:]
    return "\n\n".join(" ".join(p) for p in paragraphs)


def _edit_words(rng: random.Random, text: str, *, n: int) -> str:
    """`text` with up to `n` words swapped by an editor (a verb, a figure, a noun)."""
    spots = list(re.finditer(r"\b(" + "|".join(EDITS) + r")\b", text))
    spots += [
        m for m in _NUMBER_RE.finditer(text) if not 1900 <= int(m.group(0).replace(",", "")) <= 2100
    ]
    chosen = sorted(rng.sample(spots, min(n, len(spots))), key=lambda m: m.start(), reverse=True)
    for match in chosen:
        word = match.group(0)
        if word in EDITS:
            replacement = EDITS[word]
        else:
            value = int(word.replace(",", ""))
            replacement = f"{value + 1:,}" if "," in word else str(value + 1)
        text = text[: match.start()] + replacement + text[match.end() :]
    return text


def _headline(sentence: str) -> str:
    words = sentence.rstrip(".!?”\"’").split()
    clause = words[: min(len(words), 12)]
    while clause and clause[-1].lower() in {"the", "a", "an", "of", "to", "and", "in", "on"}:
        clause.pop()
    return " ".join(clause).strip(",;:")


def _slug(text: str, words: int = 6) -> str:
    return "-".join(_WORD_RE.findall(text.lower())[:words]) or "story"


def _file_name(published: dt.datetime, outlet: str, index: int, prefix: str) -> str:
    return f"{published:%Y%m%d-%H%M}-{_slug(outlet, 3)}-{prefix}{index:06d}.json"


def _url(outlet: str, published: dt.datetime, title: str, index: int, prefix: str) -> str:
    domain = next((a for a in OUTLETS[outlet] if "." in a), _slug(outlet, 3) + ".com")
    return f"https://{domain}/{published:%Y/%m/%d}/{_slug(title)}-{prefix}{index}"


def _shingles(body: str) -> set[str]:
    # The ingest's measure (extract/dedup.py): word 3-shingles of the case-folded body.
    words = re.findall(r"\w+", body.casefold())
    if len(words) <= SHINGLE_WORDS:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True, help="the inbox folder to write")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--duplicate-share", type=float, default=0.3)
    parser.add_argument("--prefix", default="", help="file-name prefix (for added batches)")
    parser.add_argument("--manifest", type=Path, help="default: <out>.manifest.jsonl")
    args = parser.parse_args(argv)
    articles = generate_corpus(
        args.articles, seed=args.seed, duplicate_share=args.duplicate_share, prefix=args.prefix
    )
    write_corpus(articles, args.out)
    write_manifest(articles, args.manifest or args.out.with_name(args.out.name + ".manifest.jsonl"))
    print(json.dumps(summary(articles), indent=1))
    return 0



if __name__ == "__main__":
    sys.exit(main())
