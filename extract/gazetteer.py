"""Reference lookups for entity normalization: countries, organizations and titles.

The data lives in the dbt seeds (`dbt_project/seeds/*.csv`) so that SQL and Python share one
copy; `load_gazetteer` reads them, and tests build small `Gazetteer`s by hand.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Country", "Gazetteer", "Organization", "Title", "load_gazetteer", "lookup_key"]


@dataclass(frozen=True)
class Country:
    name: str
    iso2: str | None = None
    iso3: str | None = None
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    capital: str | None = None
    region: str | None = None

    @property
    def demonym(self) -> str | None:
        """The adjective used in canonical names ("Russian Ministry of Defense")."""
        return self.demonyms[0] if self.demonyms else None


@dataclass(frozen=True)
class Organization:
    name: str
    acronym: str | None = None
    aliases: tuple[str, ...] = ()
    org_type: str | None = None
    country_iso3: str | None = None


@dataclass(frozen=True)
class Title:
    title: str
    kind: str  # rank | honorific | office | occupation
    source_type: str | None = None


_SPACES = re.compile(r"[\s\u00a0]+")
_LEADING_THE = re.compile(r"^the ")


# The entity rules look up every run of up to nine words, several times over; most runs recur
# within an article and across articles. Bounded, so a long corpus cannot grow it without end.
@functools.lru_cache(maxsize=1 << 16)
def lookup_key(text: str) -> str:
    """The key names are compared by: case, accents, periods, apostrophes and a leading
    "the" folded ("the U.S." -> "us", "Côte d’Ivoire" -> "cote d'ivoire")."""
    if not text.isascii():  # ASCII has no accents or curly quotes to fold
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = text.replace("’", "'").replace("‘", "'")
    text = _SPACES.sub(" ", text.replace(".", "")).strip().casefold()
    return _LEADING_THE.sub("", text)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (value or "").split("|") if p.strip())


@dataclass(frozen=True)
class Gazetteer:
    """Countries, organizations and titles with their lookup indices."""

    countries: tuple[Country, ...] = ()
    organizations: tuple[Organization, ...] = ()
    titles: tuple[Title, ...] = ()
    _country_names: dict[str, Country] = field(init=False, repr=False, compare=False)
    _demonyms: dict[str, Country] = field(init=False, repr=False, compare=False)
    _capitals: dict[str, Country] = field(init=False, repr=False, compare=False)
    _iso3: dict[str, Country] = field(init=False, repr=False, compare=False)
    _orgs: dict[str, Organization] = field(init=False, repr=False, compare=False)
    _titles: dict[str, Title] = field(init=False, repr=False, compare=False)
    _title_heads: frozenset[str] = field(init=False, repr=False, compare=False)
    _name_heads: frozenset[str] = field(init=False, repr=False, compare=False)
    _max_title_words: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "countries", tuple(self.countries))
        object.__setattr__(self, "organizations", tuple(self.organizations))
        object.__setattr__(self, "titles", tuple(self.titles))
        names: dict[str, Country] = {}
        demonyms: dict[str, Country] = {}
        capitals: dict[str, Country] = {}
        iso3: dict[str, Country] = {}
        for country in self.countries:
            for name in (country.name, *country.aliases):
                names.setdefault(lookup_key(name), country)
            for demonym in country.demonyms:
                demonyms.setdefault(lookup_key(demonym), country)
            if country.capital:
                capitals.setdefault(lookup_key(country.capital), country)
            if country.iso3:
                iso3.setdefault(country.iso3.upper(), country)
        orgs: dict[str, Organization] = {}
        for org in self.organizations:
            for name in (org.name, *org.aliases):
                orgs.setdefault(lookup_key(name), org)
        for org in self.organizations:  # acronyms last: a full name wins a clash
            if org.acronym:
                orgs.setdefault(lookup_key(org.acronym), org)
        titles = {lookup_key(t.title): t for t in self.titles}
        heads = {key.split(" ")[0] for key in (*names, *capitals, *orgs)}
        object.__setattr__(self, "_name_heads", frozenset(heads))
        object.__setattr__(self, "_country_names", names)
        object.__setattr__(self, "_demonyms", demonyms)
        object.__setattr__(self, "_capitals", capitals)
        object.__setattr__(self, "_iso3", iso3)
        object.__setattr__(self, "_orgs", orgs)
        object.__setattr__(self, "_titles", titles)
        object.__setattr__(self, "_title_heads", frozenset(k.split()[-1] for k in titles))
        object.__setattr__(
            self, "_max_title_words", max((len(k.split()) for k in titles), default=0)
        )

    def country(self, text: str, *, codes: bool = True) -> Country | None:
        """The country a name or alias stands for ("U.S.", "DPRK", "Britain"), else None.
        With `codes`, an upper-case ISO 3166 alpha-3 code matches too ("USA", "GBR")."""
        key = lookup_key(text)
        hit = self._country_names.get(key)
        if hit is None and codes and text.isupper() and len(text) == 3:
            hit = self._iso3.get(text)
        return hit

    def name_match(self, text: str) -> tuple[Country | None, Organization | None, Country | None]:
        """(country, organization, country of the capital) the name stands for: the first of
        the three that matches, the others None (ISO codes are not names here)."""
        key = lookup_key(text)
        country = self._country_names.get(key)
        if country is not None:
            return country, None, None
        org = self._orgs.get(key)
        if org is not None:
            return None, org, None
        return None, None, self._capitals.get(key)

    def may_start_name(self, word: str) -> bool:
        """False when no country, capital or organization name starts with this word (one
        word, as it stands before the first space of a longer name)."""
        key = lookup_key(word)
        return key in self._name_heads or not key or " " in key or key == "the"

    def country_by_demonym(self, text: str) -> Country | None:
        """The country of a demonym ("North Korean", "Thai"; plural "Russians" too)."""
        key = lookup_key(text)
        hit = self._demonyms.get(key)
        if hit is None and key.endswith("s"):
            hit = self._demonyms.get(key[:-1])
        return hit

    def country_by_capital(self, text: str) -> Country | None:
        """The country whose capital this is ("Pyongyang" -> North Korea)."""
        return self._capitals.get(lookup_key(text))

    def country_by_iso3(self, code: str | None) -> Country | None:
        return self._iso3.get(code.upper()) if code else None

    def organization(self, text: str) -> Organization | None:
        """The organization a name, alias or acronym stands for ("NATO", "IAEA"), else None."""
        return self._orgs.get(lookup_key(text))

    def title(self, text: str) -> Title | None:
        """The title entry for a word or phrase ("President", "press secretary"), else None."""
        return self._titles.get(lookup_key(text))

    def title_length(self, words: Sequence[str], ends: Sequence[bool] | None = None) -> int:
        """How many of `words`, from the start, form the longest known title (0 if none).
        `ends`, if given, holds `may_end_title` of each word."""
        for n in range(min(self._max_title_words, len(words)), 0, -1):
            # Most runs end in no title's last word and need no key of their own.
            may_end = ends[n - 1] if ends is not None else self.may_end_title(words[n - 1])
            if may_end and lookup_key(" ".join(words[:n])) in self._titles:
                return n
        return 0

    def may_end_title(self, word: str) -> bool:
        """False when no title ends with this word: a title's key ends with its last word's
        key, unless that word's key is blank or spaced ("." or "vice-" + line break)."""
        key = lookup_key(word)  # whitespace in a key is single spaces (see lookup_key)
        return key in self._title_heads or not key or " " in key

    def is_title_word(self, word: str) -> bool:
        """True when the word is a title or the last word of a multi-word title."""
        key = lookup_key(word)
        return key in self._titles or key in self._title_heads


def _read_csv(path: Path) -> Iterable[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return [
            {k.strip(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(f)
        ]


def load_gazetteer(seeds_dir: Path) -> Gazetteer:
    """Reads countries.csv, organizations.csv and titles.csv from the dbt seeds folder.

    A missing file gives an empty section, so a partial seeds folder still loads.
    """
    seeds_dir = Path(seeds_dir)
    countries = tuple(
        Country(
            name=row["country_name"],
            iso2=row.get("iso2") or None,
            iso3=row.get("iso3") or None,
            aliases=_split(row.get("aliases")),
            demonyms=_split(row.get("demonyms")),
            capital=row.get("capital") or None,
            region=row.get("region") or None,
        )
        for row in _read_csv(seeds_dir / "countries.csv")
        if row.get("country_name")
    )
    organizations = tuple(
        Organization(
            name=row["org_name"],
            acronym=row.get("acronym") or None,
            aliases=_split(row.get("aliases")),
            org_type=row.get("org_type") or None,
            country_iso3=row.get("country_iso3") or None,
        )
        for row in _read_csv(seeds_dir / "organizations.csv")
        if row.get("org_name")
    )
    titles = tuple(
        Title(
            title=row["title"],
            kind=row.get("kind") or "office",
            source_type=row.get("source_type") or None,
        )
        for row in _read_csv(seeds_dir / "titles.csv")
        if row.get("title")
    )
    return Gazetteer(countries=countries, organizations=organizations, titles=titles)
