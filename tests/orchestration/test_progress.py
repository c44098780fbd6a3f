"""Progress lines: throttled, with rate and time left, and always the last one."""

from __future__ import annotations

from orchestration.progress import Progress


def test_only_the_last_count_is_logged_when_the_interval_is_longer_than_the_loop() -> None:
    lines: list[str] = []
    progress = Progress(lines.append, "files read", every=3600)
    for done in range(1, 101):
        progress(done, 100)
    assert len(lines) == 1
    assert lines[0].startswith("100/100 files read (")


def test_every_count_is_logged_when_the_interval_is_zero() -> None:
    lines: list[str] = []
    progress = Progress(lines.append, "articles", every=0)
    progress(1, 4)
    progress(2, 4)
    assert [line.split(" (")[0] for line in lines] == ["1/4 articles", "2/4 articles"]
    assert "/s, ETA " in lines[0]
