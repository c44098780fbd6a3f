"""Publication dates and their provenance."""

from __future__ import annotations

import datetime as dt

import pytest

from extract.dates import ArticleDate, article_date, find_text_date, parse_date

SAVED = dt.datetime(2025, 1, 10, 12, 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-08-17T23:30:00-04:00", dt.date(2024, 8, 17)),  # the date where it was written
        ("Mon, 03 Jun 2024 23:15:00 -0400", dt.date(2024, 6, 3)),
        ("Sept. 7, 2024", dt.date(2024, 9, 7)),
        ("7 March 2024", dt.date(2024, 3, 7)),
        ("2/8/2023", dt.date(2023, 2, 8)),
        ("yesterday", None),
        ("", None),
        ("1066-10-14", None),
        ("99999999999999999999", None),
    ],
)
def test_parse_date(value: str, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


def test_parse_date_rejects_dates_after_the_latest() -> None:
    assert parse_date("2031-01-01", latest=dt.date(2025, 1, 1)) is None


def test_byline_date_comes_before_caption_date() -> None:
    found = find_text_date(
        byline="UPI News 2/8/2023 Ana Silva",
        boilerplate=[
            "UPI News 2/8/2023 Ana Silva",
            "Rescuers at work in Antakya, Turkey, Feb. 6, 2023.",
        ],
        body="Feb. 7 (UPI) -- Rescuers searched through the night.",
    )
    assert found == (dt.date(2023, 2, 8), "2/8/2023")


def test_published_line_is_a_text_date() -> None:
    found = find_text_date(byline=None, boilerplate=["Published: 5 March 2024"], body="Text.")
    assert found == (dt.date(2024, 3, 5), "5 March 2024")


def test_dateline_with_a_year_is_a_text_date() -> None:
    with_year = find_text_date(
        byline=None, boilerplate=[], body="KYIV, March 3, 2024 (Reuters) - Text."
    )
    assert with_year == (dt.date(2024, 3, 3), "March 3, 2024")
    two_places = find_text_date(
        byline=None, boilerplate=[], body="KYIV/MOSCOW, May 16, 2024 (Reuters) - Text."
    )
    assert two_places == (dt.date(2024, 5, 16), "May 16, 2024")
    assert find_text_date(byline=None, boilerplate=[], body="Feb. 7 (UPI) -- Text.") is None
    assert (
        find_text_date(byline=None, boilerplate=[], body="KYIV (AP) — Text.", latest=SAVED.date())
        is None
    )


@pytest.mark.parametrize(
    ("latest", "expected"),
    [(dt.date(2023, 2, 9), dt.date(2023, 2, 7)), (dt.date(2023, 1, 10), dt.date(2022, 2, 7))],
)
def test_dateline_without_a_year_takes_the_latest_year_before_the_file_time(
    latest: dt.date, expected: dt.date
) -> None:
    body = "Feb. 7 (UPI) -- Text."
    found = find_text_date(byline=None, boilerplate=[], body=body, latest=latest)
    assert found == (expected, "Feb. 7 (year from the file's time)")


def test_dated_caption_is_a_text_date() -> None:
    caption = "A crane lifts a span of the bridge in Northport, Westmark, Nov. 12, 2024."
    found = find_text_date(byline=None, boilerplate=[caption], body="Text.")
    assert found == (dt.date(2024, 11, 12), "Nov. 12, 2024")


def test_article_date_prefers_metadata_then_text_then_file() -> None:
    caption = ["Crowds in the square, Northport, Nov. 12, 2024."]
    kwargs = {"byline": None, "boilerplate": caption, "body": "Text.", "modified_at": SAVED}
    assert article_date(metadata="2024-11-13", **kwargs) == ArticleDate(
        dt.date(2024, 11, 13), "metadata", "2024-11-13"
    )
    assert article_date(metadata="not a date", **kwargs).date_source == "text"
    no_text = {**kwargs, "boilerplate": []}
    assert article_date(metadata=None, **no_text) == ArticleDate(
        dt.date(2025, 1, 10), "file", "file modified 2025-01-10T12:00:00"
    )
    assert article_date(metadata=None, **{**no_text, "modified_at": None}) == ArticleDate(
        None, "unknown", None
    )


def test_text_dates_after_the_file_was_saved_are_ignored() -> None:
    caption = ["Crowds in the square, Northport, Nov. 12, 2031."]
    when = article_date(
        metadata=None, byline=None, boilerplate=caption, body="Text.", modified_at=SAVED
    )
    assert when.date_source == "file"
