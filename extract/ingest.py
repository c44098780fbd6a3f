"""Ingest an inbox folder: one Document per file found, one Article per story read from them.

Every file under the inbox gets a Document, read or not: bad input (empty, binary, undecodable,
too large, unparseable, a link, a type newsledger does not read) is rejected with a reason a
person can act on, and the run goes on. Hidden files and folders are skipped silently.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import multiprocessing
import os
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from extract import formats
from extract.dates import article_date
from extract.dedup import mark_duplicates
from extract.records import Article, Document
from extract.stories import split_stories

DEFAULT_MAX_BYTES = 5_000_000
# spaCy's own limit on one text: its parser needs about 1 GB of memory per 100,000 characters.
MAX_STORY_CHARS = 1_000_000
_MAX_NOTES_SHOWN = 5
_FILES_PER_READ = 32  # files a reader process takes at a time


@dataclass(frozen=True)
class Ingested:
    """What an inbox holds: every file as a Document, every story as an Article."""

    documents: list[Document]
    articles: list[Article]
    reused: int = 0  # files not read again: unchanged since the scan that made their records
    # article id -> the MinHash of its body (see `mark_duplicates`), for the next scan to reuse
    minhashes: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class ScannedFile:
    """The records an earlier scan made of one file."""

    document: Document
    articles: tuple[Article, ...]
    minhashes: Mapping[str, bytes] = field(default_factory=dict)  # of its articles, by id


def ingest_inbox(
    inbox: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[int, int], None] | None = None,
    earlier: Mapping[str, ScannedFile] | None = None,
    readers: int = 1,
) -> Ingested:
    """Read every file under `inbox` (recursively, sorted by relative path) into records.

    Files larger than `max_bytes` are rejected unread. Articles that repeat one from a file
    that came earlier (by modification time, then path), exactly or nearly, carry its id in
    `duplicate_of`. Raises NotADirectoryError only when `inbox` itself is not a folder; problems
    with files become rejected Documents.
    `progress(files done, files in all)` is called after each file.

    `earlier` holds the records an earlier scan by the same code made, by relative path: an
    ingested file whose size and modification time are still those is not read again, nor are
    the MinHashes of its stories computed again.
    With `readers` > 1, that many forked processes read the other files.
    """
    root = Path(inbox)
    if not root.is_dir():
        raise NotADirectoryError(f"inbox {root} is not a folder")
    earlier = earlier or {}
    documents: list[Document] = []
    articles: list[Article] = []
    reused: set[str] = set()
    minhashes: dict[str, bytes] = {}
    entries = [
        (relative, path, _unchanged(path, earlier.get(relative), max_bytes))
        for relative, path in _inbox_entries(root)
    ]
    to_read = [(path, relative) for relative, path, unchanged in entries if unchanged is None]
    with closing(_read_files(to_read, root=root, max_bytes=max_bytes, readers=readers)) as read:
        for relative, _, unchanged in entries:
            if unchanged is None:
                document, found = next(read)
            else:
                document, found = unchanged.document, unchanged.articles
                reused.add(relative)
                minhashes.update(unchanged.minhashes)
            documents.append(document)
            articles.extend(found)
            if progress is not None:
                progress(len(documents), len(entries))
    # A story of a file not read again keeps the verdict the earlier scan gave it unless it may
    # match a story that is new, edited or gone.
    judged = {article.article_id for path in reused for article in earlier[path].articles}
    gone = [
        article for path, file in earlier.items() if path not in reused for article in file.articles
    ]
    # The copy whose file reached the inbox first stays the original, whatever the names: a
    # copy added later, even under a name that sorts first, does not take its place.
    arrived = {d.source_file: d.modified_at or dt.datetime.max for d in documents}
    marked = {
        article.article_id: article
        for article in mark_duplicates(
            sorted(articles, key=lambda a: (arrived[a.source_file], a.source_file, a.story_index)),
            judged=judged,
            gone=gone,
            minhashes=minhashes,
        )
    }
    return Ingested(
        documents, [marked[a.article_id] for a in articles], len(reused), minhashes
    )


def _read_files(
    files: Sequence[tuple[Path, str]], *, root: Path, max_bytes: int, readers: int
) -> Iterator[tuple[Document, list[Article]]]:
    """`ingest_file` of each (path, relative) in order, in `readers` processes when worth it."""
    read_one = functools.partial(_ingest_entry, root=root, max_bytes=max_bytes)
    if readers < 2 or len(files) < _FILES_PER_READ * readers:
        yield from map(read_one, files)
        return
    # Forked: the readers start at once, with the code already imported. A reader that dies
    # breaks the pool, which raises here rather than waiting for its files forever.
    with ProcessPoolExecutor(readers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(read_one, files, chunksize=_FILES_PER_READ)


def _ingest_entry(
    entry: tuple[Path, str], *, root: Path, max_bytes: int
) -> tuple[Document, list[Article]]:
    path, relative = entry
    return ingest_file(path, relative, root=root, max_bytes=max_bytes)


def _unchanged(path: Path, earlier: ScannedFile | None, max_bytes: int) -> ScannedFile | None:
    """`earlier`, if it is of an ingested file whose size and modification time are unchanged."""
    if earlier is None or earlier.document.status != "ingested":
        return None
    try:
        info = path.lstat()
    except OSError:
        return None
    if (
        stat.S_ISREG(info.st_mode)
        and info.st_size == earlier.document.size_bytes <= max_bytes
        and _modified_at(info) == earlier.document.modified_at
    ):
        return earlier
    return None


def ingest_file(
    path: Path, relative: str, *, root: Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Document, list[Article]]:
    """Read one inbox file, named `relative` (forward slashes) inside `root`, into records."""
    try:
        return _ingest_file(path, relative, root=root, max_bytes=max_bytes)
    except Exception as error:  # noqa: BLE001 - one file must never stop the run
        reason = (
            f"unexpected error while reading ({type(error).__name__}: {error}); please report it"
        )
        return _rejected(relative, "unknown", reason), []


def document_id(source_file: str) -> str:
    """Stable id of the input file at `source_file` (its path relative to the inbox)."""
    return hashlib.sha256(source_file.encode("utf-8")).hexdigest()[:16]


def article_id(source_file: str, story_index: int, content_hash: str) -> str:
    """Id of a story: changes when the file's text changes, so a re-ingest gives new rows."""
    key = f"{source_file}\x1f{story_index}\x1f{content_hash}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def body_hash(body: str) -> str:
    """Hash of a story body with whitespace normalized, to find exact duplicates."""
    return hashlib.sha256(" ".join(body.split()).encode("utf-8")).hexdigest()


def _inbox_entries(root: Path) -> list[tuple[str, Path]]:
    """Every non-hidden entry to report on, as (relative path, path), sorted by relative path.

    Folders are walked without following links; a link, a special file or a folder that cannot
    be listed is itself an entry, so that it is reported rather than silently passed over.
    """
    entries: list[tuple[str, Path]] = []
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                children = list(listing)
        except OSError:
            if folder == root:
                raise
            entries.append((_relative(folder, root), folder))
            continue
        for child in children:
            if child.name.startswith("."):
                continue
            path = Path(child.path)
            if child.is_dir(follow_symlinks=False):
                pending.append(path)
            else:
                entries.append((_relative(path, root), path))
    return sorted(entries)


def _ingest_file(
    path: Path, relative: str, *, root: Path, max_bytes: int
) -> tuple[Document, list[Article]]:
    try:
        info = path.lstat()
    except OSError as error:
        return _rejected(relative, "unknown", f"could not read the file: {error.strerror}"), []
    modified_at = _modified_at(info)
    declared = formats.EXTENSIONS.get(path.suffix.lower(), "unknown")

    def reject(reason: str, content_hash: str | None = None) -> tuple[Document, list[Article]]:
        document = _rejected(relative, declared, reason, info.st_size, content_hash, modified_at)
        return document, []

    if stat.S_ISLNK(info.st_mode):
        inside = path.resolve().is_relative_to(root.resolve())
        where = "" if inside else ", outside the inbox"
        return reject(
            f"symbolic link to {os.readlink(path)}{where}: newsledger does not follow links; "
            "copy the file into the inbox instead"
        )
    if stat.S_ISDIR(info.st_mode):
        return reject("folder could not be listed: check its permissions")
    if not stat.S_ISREG(info.st_mode):
        return reject("not a regular file (a device, pipe or socket); newsledger reads files")
    if declared == "unknown":
        shown = path.suffix or "(no extension)"
        return reject(
            f"unsupported file type {shown}: newsledger reads {' '.join(formats.EXTENSIONS)}"
        )
    if info.st_size > max_bytes:
        return reject(_too_large(info.st_size, max_bytes))
    data, problem = _read_bytes(path, max_bytes)
    if data is None:
        return reject(problem or "could not read the file")
    content_hash = hashlib.sha256(data).hexdigest()
    if not data:
        return reject("empty file (0 bytes)", content_hash)
    text, problem = formats.decode_text(data)
    if text is None:
        return reject(problem or "not text", content_hash)
    if not text.strip():
        return reject("file holds only whitespace", content_hash)
    file_type = formats.sniff(text, declared)
    parsed = formats.read(data, text, file_type, markdown=path.suffix.lower() == ".md")
    articles, notes = _articles(relative, parsed, modified_at)
    notes = parsed.notes + notes
    status = "ingested" if articles else "rejected"
    reason = _summary(notes)
    if not articles:
        reason = parsed.reason or reason or "no article text found"
    document = Document(
        document_id=document_id(relative),
        source_file=relative,
        file_type=file_type,
        size_bytes=info.st_size,
        content_hash=content_hash,
        modified_at=modified_at,
        status=status,
        reject_reason=reason,
        n_articles=len(articles),
    )
    return document, articles


def _articles(
    relative: str, parsed: formats.Parsed, modified_at: dt.datetime
) -> tuple[list[Article], list[str]]:
    """The stories of every draft as Articles, with notes on drafts that held no story text."""
    articles: list[Article] = []
    notes = []
    for draft in parsed.drafts:
        stories = split_stories(
            draft.text, title=draft.title, split=draft.split, markdown=draft.markdown
        )
        where = f"{draft.label}: " if draft.label else ""
        if not stories:
            notes.append(
                f"{where}no article text besides headings, captions, bylines, credits and menus"
            )
            continue
        # A page names its outlet once ("Source: voanews.com"); it holds for all its stories.
        text_outlet = next((s.outlet for s in stories if s.outlet), None)
        for story in stories:
            if len(story.body) > MAX_STORY_CHARS:
                notes.append(
                    f"{where}a story of {len(story.body):,} characters is over the "
                    f"{MAX_STORY_CHARS:,} the language model reads at once: split it into "
                    "several files"
                )
                continue
            digest = body_hash(story.body)
            index = len(articles)
            when = article_date(
                metadata=draft.published,
                byline=story.byline,
                boilerplate=story.boilerplate,
                body=story.body,
                modified_at=modified_at,
            )
            articles.append(
                Article(
                    article_id=article_id(relative, index, digest),
                    document_id=document_id(relative),
                    source_file=relative,
                    story_index=index,
                    title=story.title,
                    kicker=story.kicker,
                    byline=draft.byline or story.byline,
                    outlet=draft.outlet or story.outlet or text_outlet,
                    url=draft.url,
                    published_date=when.published_date,
                    date_source=when.date_source,
                    date_text=when.date_text,
                    body=story.body,
                    word_count=len(story.body.split()),
                    credits=story.credits,
                    boilerplate=story.boilerplate,
                    content_hash=digest,
                    duplicate_of=None,
                    extra=draft.extra,
                )
            )
    return articles, notes


def _read_bytes(path: Path, max_bytes: int) -> tuple[bytes | None, str | None]:
    """The file's bytes, opened without following a link swapped in since it was checked."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        return None, f"could not open the file: {error.strerror}"
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None, "not a regular file (a device, pipe or socket); newsledger reads files"
        try:
            data = handle.read(max_bytes + 1)
        except OSError as error:
            return None, f"could not read the file: {error.strerror}"
    if len(data) > max_bytes:
        return None, _too_large(len(data), max_bytes)
    return data, None


def _rejected(
    relative: str,
    file_type: str,
    reason: str,
    size_bytes: int = 0,
    content_hash: str | None = None,
    modified_at: dt.datetime | None = None,
) -> Document:
    return Document(
        document_id=document_id(relative),
        source_file=relative,
        file_type=file_type,
        size_bytes=size_bytes,
        content_hash=content_hash,
        modified_at=modified_at,
        status="rejected",
        reject_reason=reason,
        n_articles=0,
    )


def _modified_at(info: os.stat_result) -> dt.datetime:
    return dt.datetime.fromtimestamp(info.st_mtime, tz=dt.UTC).replace(tzinfo=None)


def _too_large(size: int, limit: int) -> str:
    return (
        f"file is {_human_size(size)}, over the {_human_size(limit)} limit "
        "(NEWSLEDGER_MAX_FILE_BYTES)"
    )


def _human_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.1f} kB"
    return f"{size} bytes"


def _summary(notes: list[str]) -> str | None:
    """Notes joined for a reject_reason, the first few in full."""
    if not notes:
        return None
    shown = "; ".join(notes[:_MAX_NOTES_SHOWN])
    hidden = len(notes) - _MAX_NOTES_SHOWN
    return f"{shown}; and {hidden} more" if hidden > 0 else shown


def _relative(path: Path, root: Path) -> str:
    """The path inside `root` as text; bytes of a name that are not UTF-8 are shown as `\\xff`, so
    the name can be stored and shown, and stays distinct."""
    relative = path.relative_to(root).as_posix()
    return relative.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
