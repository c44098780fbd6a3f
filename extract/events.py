"""Event mentions: who did what to whom, where, when and how many, one record per clause.

An event is found from trigger words (the lemmas of the taxonomy seed,
`dbt_project/seeds/event_types.csv`) and typed by the clause around them: the weapon named
("drones", "missiles"), what is sent ("troops", "weapons", "aid"), whether a casualty tally is
tied to a described attack. Actor and target come from the dependency parse of the same clause
(subject / agent, object / "on" / "against"), resolved to the article's actor names; location
from place names in the clause or the sentences around it; the date from the clause's time
expression. Counts are typed (killed, wounded, one unit-bearing quantity) and the clause's
modality is kept: asserted, denied, hypothetical or future.

The rules are general English news usage; nothing here knows a particular article.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from spacy.symbols import ADJ, NOUN, POS, PROPN, VERB
from spacy.tokens import Doc, Span, Token

from extract.doctext import (
    TokenWords,
    article_id_of,
    char_range,
    doc_text,
    ents_within,
    sentence_of,
    span_text,
    token_words,
    tokens_text,
)
from extract.quantities import (
    CURRENCY_CODES,
    NumberPhrase,
    claim_at,
    is_partitive_relative,
    number_phrases,
    sentence_numbers,
    unit_key,
)
from extract.records import EntityMention, EventMention, Quote
from extract.timeexpr import WEEKDAYS, date_expressions, resolve_date

__all__ = ["EventTaxonomy", "EventType", "find_events", "load_taxonomy"]


# --------------------------------------------------------------------------------------------
# Taxonomy
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EventType:
    """One row of the taxonomy seed."""

    event_type: str
    description: str
    cameo_root: str | None
    plover: str | None
    acled_event_type: str | None
    trigger_lemmas: tuple[str, ...]


@dataclass(frozen=True)
class EventTaxonomy:
    """The event types, and for each trigger lemma the types it can signal (seed order)."""

    types: tuple[EventType, ...]
    by_lemma: Mapping[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _key_words: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "types", tuple(self.types))
        index: dict[str, list[str]] = {}
        for event_type in self.types:
            for lemma in event_type.trigger_lemmas:
                key = _lemma_key(lemma)
                if event_type.event_type not in index.setdefault(key, []):
                    index[key].append(event_type.event_type)
        frozen = {k: tuple(v) for k, v in index.items()}
        object.__setattr__(self, "by_lemma", MappingProxyType(frozen))
        words = frozenset(part for key in index for part in key.split("_"))
        object.__setattr__(self, "_key_words", words)

    @property
    def event_types(self) -> tuple[str, ...]:
        return tuple(t.event_type for t in self.types)

    def types_for(self, lemma: str) -> tuple[str, ...]:
        """The event types a trigger lemma signals ("send" -> troop_deployment, arms_transfer,
        aid_or_funding); empty when it is no trigger."""
        return self.by_lemma.get(_lemma_key(lemma), ())

    def may_hold(self, word: str) -> bool:
        """False when no trigger key holds this word as one of its `_`-joined parts."""
        key = _lemma_key(word)
        return key in self._key_words or "_" in key or word != word.strip()


def load_taxonomy(path: Path) -> EventTaxonomy:
    """Reads the taxonomy seed (`event_types.csv`, or the seeds folder that holds it)."""
    path = Path(path)
    if path.is_dir():
        path = path / "event_types.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return EventTaxonomy(
        types=tuple(
            EventType(
                event_type=row["event_type"].strip(),
                description=(row.get("description") or "").strip(),
                cameo_root=(row.get("cameo_root") or "").strip() or None,
                plover=(row.get("plover") or "").strip() or None,
                acled_event_type=(row.get("acled_event_type") or "").strip() or None,
                trigger_lemmas=tuple((row.get("trigger_lemmas") or "").split()),
            )
            for row in rows
            if (row.get("event_type") or "").strip()
        )
    )


def _lemma_key(lemma: str) -> str:
    return lemma.strip().lower().replace("-", "")


# --------------------------------------------------------------------------------------------
# Word classes (general English news vocabulary)
# --------------------------------------------------------------------------------------------
# Word classes (general English news vocabulary)
# --------------------------------------------------------------------------------------------
VIOLENT = ("airstrike_or_shelling", "drone_or_missile_attack", "interception", "attack", "battle")
INCIDENT = (*VIOLENT, "casualties", "disaster_or_accident")

_AIR_WEAPONS = {
    "drone",
    "uav",
    "shahed",
    "missile",
    "rocket",
    "icbm",
    "irbm",
    "slbm",
    "decoy",
    "projectile",
    "warhead",
}
_SHELLING_WEAPONS = {"artillery", "mortar", "howitzer", "shell", "shelling", "grad", "mlrs"}
_WEAPONS = (
    _AIR_WEAPONS
    | _SHELLING_WEAPONS
    | {
        "weapon",
        "arm",
        "arms",
        "ammunition",
        "munition",
        "tank",
        "jet",
        "fighter",
        "aircraft",
        "helicopter",
        "system",
        "launcher",
        "gun",
        "rifle",
        "bomb",
        "equipment",
        "vehicle",
        "hardware",
        "warplane",
    }
)
_TROOPS = {
    "troop",
    "soldier",
    "force",
    "unit",
    "battalion",
    "brigade",
    "division",
    "personnel",
    "serviceman",
    "servicemen",
    "marine",
    "army",
    "forces",
    "contingent",
    "paratrooper",
    "reinforcement",
    "regiment",
    "mercenary",
    "servicemember",
    "infantry",
}
_AID = {
    "aid",
    "assistance",
    "fund",
    "funding",
    "money",
    "loan",
    "grant",
    "package",
    "donation",
    "cash",
    "dollar",
    "financing",
    "relief",
    "euro",
    "pound",
    "yuan",
    "yen",
    "ruble",
    "rouble",
    "rupee",
    "real",
    "reais",
    "franc",
    "usd",
    "eur",
}
_AID_VERBS = {
    "provide",
    "send",
    "give",
    "approve",
    "pledge",
    "announce",
    "pause",
    "freeze",
    "suspend",
    "cut",
    "halt",
    "resume",
    "receive",
    "deliver",
    "rush",
    "allocate",
    "grant",
    "unveil",
    "extend",
    "increase",
    "boost",
    "double",
    "surge",
    "offer",
    "release",
    "withhold",
    "restore",
    "stop",
    "end",
    "block",
    "channel",
    "commit",
    "earmark",
    "disburse",
    "transfer",
    "donate",
    "fund",
    "slash",
    "triple",
    "raise",
}
_AID_NOUNS = {"aid", "assistance", "fund", "funding", "donation", "loan", "grant"}
_BUILDINGS = {
    "building",
    "house",
    "home",
    "structure",
    "apartment",
    "hospital",
    "school",
    "bridge",
    "depot",
    "facility",
    "infrastructure",
    "warehouse",
    "plant",
    "block",
    "residence",
    "dwelling",
    "property",
}
_DISASTER_NOUNS = {
    "earthquake",
    "quake",
    "tremor",
    "temblor",
    "tremblor",
    "aftershock",
    "flood",
    "flooding",
    "landslide",
    "mudslide",
    "storm",
    "hurricane",
    "typhoon",
    "cyclone",
    "tornado",
    "tsunami",
    "wildfire",
    "eruption",
    "avalanche",
    "drought",
    "disaster",
    "heatwave",
}
_WARPLANES = {"jet", "warplane", "aircraft", "plane", "helicopter", "bomber", "gunship", "fighter"}
_STRUCTURES = _BUILDINGS | {
    "bridge",
    "dam",
    "roof",
    "mine",
    "tunnel",
    "wall",
    "tower",
    "stadium",
    "church",
    "mosque",
    "temple",
    "ceiling",
    "floor",
    "levee",
    "embankment",
    "crane",
    "hotel",
    "mall",
    "factory",
    "market",
}
_VEHICLES = {
    "plane",
    "jet",
    "aircraft",
    "airliner",
    "helicopter",
    "train",
    "bus",
    "car",
    "truck",
    "vehicle",
    "boat",
    "ship",
    "ferry",
    "drone",
    "airplane",
    "flight",
    "coach",
    "van",
    "motorcycle",
    "lorry",
    "tram",
    "vessel",
    "chopper",
    "glider",
    "balloon",
}
_MARKETS = {
    "stock",
    "share",
    "market",
    "price",
    "index",
    "dollar",
    "currency",
    "bond",
    "oil",
    "gold",
    "bitcoin",
    "crypto",
    "economy",
    "equity",
    "rupee",
    "yen",
    "euro",
    "peso",
}
_LABOR = {
    "general",
    "hunger",
    "labor",
    "labour",
    "worker",
    "national",
    "nationwide",
    "teacher",
    "doctor",
    "nurse",
    "union",
    "rail",
    "transport",
    "wildcat",
    "sit",
}
_ABSTRACT_OBJECTS = {
    "expectation",
    "demand",
    "target",
    "deadline",
    "requirement",
    "standard",
    "need",
    "criterion",
    "goal",
    "threshold",
    "obligation",
    "olympics",
    "game",
    "tournament",
    "festival",
    "concert",
    "cup",
    "championship",
    "show",
    "party",
    "event",
    "exhibition",
    "podcast",
    "program",
    "programme",
}
_MILITARY = {
    "military",
    "missile",
    "nuclear",
    "weapon",
    "army",
    "navy",
    "naval",
    "troop",
    "soldier",
    "force",
    "forces",
    "drill",
    "exercise",
    "war",
    "warship",
    "rocket",
    "ballistic",
    "icbm",
    "defense",
    "defence",
    "combat",
    "live-fire",
    "artillery",
    "joint",
    "air",
    "marine",
    "submarine",
    "bomb",
    "warhead",
    "launch",
    "firing",
}
_CONSEQUENCES = {"fire", "blaze", "explosion", "blast"}  # of an attack told beside them
_ACCIDENTS = {
    "accident",
    "crash",
    "fire",
    "blaze",
    "explosion",
    "blast",
    "collapse",
    "car",
    "bus",
    "train",
    "truck",
    "plane",
    "boat",
    "vehicle",
    "disease",
    "outbreak",
    "virus",
    "heat",
    "cold",
    "illness",
}
_TEST_CONTEXT = {
    "sea",
    "ocean",
    "waters",
    "water",
    "test",
    "coast",
    "splash",
    "land",
    "altitude",
    "trajectory",
    "zone",
    "eez",
    "satellite",
    "apogee",
    "peninsula",
}
_LIGHT_HEADS = {
    "package",
    "response",
    "measure",
    "campaign",
    "operation",
    "round",
    "wave",
    "series",
    "raft",
    "set",
    "program",
    "programme",
    "effort",
    "regime",
    "list",
    "drive",
    "spree",
    "mission",
    "activity",
    "action",
    "exercise",
    "blitz",
    "barrage",
    "salvo",
    "volley",
    "strike",
    "attack",
    "offensive",
    "application",
    "hearing",
    "proceeding",
    "decision",
    "case",
    "bill",
    "deal",
    "agreement",
    "process",
    "plan",
    "talk",
    "negotiation",
    "batch",
    "number",
    "toll",
    "tally",
}
_CONTAINERS = {"round", "wave", "salvo", "barrage", "series", "volley", "batch"}
_LIGHT_VERBS = {
    "carry",
    "conduct",
    "launch",
    "stage",
    "mount",
    "impose",
    "unleash",
    "issue",
    "lodge",
    "hold",
    "begin",
    "start",
    "continue",
    "announce",
    "declare",
    "resume",
    "make",
    "file",
    "wage",
    "take",
    "sign",
    "seal",
    "reach",
    "adopt",
    "approve",
    "suspend",
    "pause",
    "halt",
    "extend",
    "expand",
    "tighten",
    "lift",
    "slap",
    "introduce",
    "deliver",
    "order",
    "intensify",
    "step",
    "perform",
    "undertake",
    "do",
    "have",
    "unveil",
    "finalize",
    "agree",
    "complete",
    "host",
    "organize",
    "organise",
    "freeze",
    "cut",
    "rush",
    "send",
    "provide",
    "give",
}
_PERSON_NOUNS = {
    "mother",
    "father",
    "man",
    "woman",
    "child",
    "boy",
    "girl",
    "son",
    "daughter",
    "wife",
    "husband",
    "baby",
    "infant",
    "toddler",
    "teenager",
    "grandmother",
    "grandfather",
    "brother",
    "sister",
    "soldier",
    "civilian",
    "journalist",
    "officer",
    "policeman",
    "worker",
    "resident",
    "student",
    "teacher",
    "doctor",
    "nurse",
    "person",
    "pilot",
    "driver",
    "farmer",
    "guard",
    "fighter",
    "commander",
    "official",
    "medic",
    "paramedic",
    "volunteer",
    "relative",
    "cousin",
    "uncle",
    "aunt",
    "nephew",
    "niece",
    "grandson",
    "granddaughter",
    "passenger",
    "reporter",
    "photographer",
    "hostage",
    "prisoner",
    "militant",
    "member",
    "leader",
    "serviceman",
}
_AGENT_NOUNS = _PERSON_NOUNS | {
    "government",
    "ministry",
    "military",
    "army",
    "navy",
    "spokesman",
    "spokesperson",
    "spokeswoman",
    "president",
    "minister",
    "group",
    "agency",
    "council",
    "office",
    "authority",
    "country",
    "state",
    "administration",
    "regime",
    "rebel",
    "force",
    "police",
    "court",
    "committee",
    "union",
    "party",
    "company",
    "media",
    "kremlin",
    "pentagon",
    "diplomat",
    "envoy",
    "ambassador",
    "lawmaker",
    "parliament",
    "delegation",
    "side",
    "prosecutor",
    "secretary",
    "chief",
    "head",
    "governor",
    "mayor",
    "organization",
    "alliance",
    "bloc",
    "coalition",
    "commander",
    "militia",
    "insurgent",
    "nation",
    "bomber",
    "gunman",
    "gunmen",
    "attacker",
    "assailant",
    "terrorist",
    "jihadist",
    "sniper",
    "shooter",
    "suspect",
    "raider",
    "occupier",
    "enemy",
    "he",
    "she",
    "they",
    "we",
    "it",
    "i",
    "you",
    "who",
    "which",
    "that",
}
_KILL = {"kill", "slay", "murder", "execute", "massacre"}
_DIE = {"die", "perish"}
_WOUND = {"wound", "injure", "hurt", "maim"}
_REPORTING = {
    "say",
    "tell",
    "report",
    "add",
    "announce",
    "confirm",
    "claim",
    "post",
    "note",
    "state",
    "write",
    "according",
    "insist",
    "explain",
    "allege",
    "assert",
    "reiterate",
    "stress",
    "underscore",
    "acknowledge",
    "believe",
    "think",
    "estimate",
    "cite",
    "indicate",
    "show",
    "suggest",
    "conclude",
}
_FUTURE_GOVERNORS = {
    "plan",
    "intend",
    "aim",
    "seek",
    "want",
    "hope",
    "vow",
    "pledge",
    "promise",
    "threaten",
    "set",
    "due",
    "schedule",
    "look",
    "propose",
    "consider",
    "mull",
    "wish",
    "need",
    "ask",
    "urge",
    "call",
    "request",
    "offer",
    "refuse",
    "decline",
    "demand",
    "warn",
    "await",
}
_FUTURE_OBJECT_GOVERNORS = {
    "plan",
    "propose",
    "seek",
    "want",
    "request",
    "demand",
    "urge",
    "offer",
    "promise",
    "pledge",
    "threaten",
    "consider",
    "await",
    "hope",
    "eye",
    "mull",
    "discuss",
    "weigh",
    "ask",
    "need",
}
_HEDGES = {
    "possible",
    "possibly",
    "potential",
    "potentially",
    "likely",
    "perhaps",
    "maybe",
    "probable",
    "probably",
    "alleged",
    "imminent",
    "proposed",
    "planned",
    "upcoming",
    "hypothetical",
    "prospective",
    "future",
    "apparent",
    "would-be",
}
_INTENT_NOUNS = {
    "plan",
    "intention",
    "bid",
    "attempt",
    "threat",
    "proposal",
    "capability",
    "ability",
    "readiness",
    "decision",
    "effort",
    "call",
    "interest",
    "willingness",
    "desire",
    "hope",
    "offer",
    "push",
    "demand",
    "request",
    "need",
    "pledge",
    "promise",
    "vow",
    "option",
    "possibility",
    "prospect",
    "chance",
    "aim",
    "goal",
}
_FUTURE_HEDGES = {"planned", "proposed", "upcoming", "imminent", "prospective", "future"}
_DENY = {"deny", "reject", "dismiss", "refute", "rebut"}
# Adjectives and participles an infinitive hangs on without having happened: "not authorized to
# discuss", "ready to negotiate", "unable to reach" (lemmas of both the participle and adjective).
# Not "able": "was able to strike" says it struck.
_UNREALIZED_GOVERNORS = {
    "authorize",
    "authorized",
    "allow",
    "allowed",
    "permit",
    "permitted",
    "unable",
    "ready",
    "willing",
    "prepare",
    "prepared",
    "eager",
    "keen",
    "free",
}
_PLACE_HEADS = {
    "region",
    "oblast",
    "province",
    "district",
    "city",
    "town",
    "village",
    "area",
    "county",
    "border",
    "coast",
    "port",
    "base",
    "strip",
    "capital",
    "prefecture",
    "governorate",
    "territory",
    "peninsula",
    "state",
    "municipality",
    "island",
    "neighborhood",
    "neighbourhood",
    "suburb",
    "camp",
    "krai",
}
_DIRECTIONS = {
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "north",
    "south",
    "east",
    "west",
    "far",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
}
_LOCATION_PREPS = {
    "in",
    "at",
    "near",
    "over",
    "around",
    "across",
    "outside",
    "inside",
    "into",
    "off",
    "along",
    "to",
    "toward",
    "towards",
    "from",
    "throughout",
    "within",
    "on",
}
_TARGET_PREPS = {"on", "against", "at", "toward", "towards", "into", "upon"}
_EVENT_UNITS = {
    "troops",
    "drones",
    "missiles",
    "rockets",
    "ballistic_missiles",
    "cruise_missiles",
    "ships",
    "tankers",
    "vessels",
    "boats",
    "prisoners",
    "hostages",
    "companies",
    "individuals",
    "entities",
    "individuals_and_entities",
    "companies_and_individuals",
    "buildings",
    "buildings_destroyed",
    "buildings_collapsed",
    "buildings_damaged",
    "missing",
    "rescued",
    "evacuated",
    "arrested",
    "detained",
    "killed_or_wounded",
    "strike_rounds",
    "aircraft",
    "tanks",
    "shells",
    "jets",
    "helicopters",
    "protesters",
    "refugees",
    "decoys",
    *CURRENCY_CODES,
}
_TYPE_UNITS = {
    "troop_deployment": ("troops",),
    "battle": ("troops", "killed_or_wounded"),
    "drone_or_missile_attack": (
        "drones",
        "missiles",
        "ballistic_missiles",
        "cruise_missiles",
        "rockets",
    ),
    "interception": ("drones", "missiles", "ballistic_missiles", "cruise_missiles", "rockets"),
    "airstrike_or_shelling": ("strike_rounds",),
    "attack": ("strike_rounds",),
    "sanctions": (
        "ships",
        "tankers",
        "vessels",
        "companies",
        "individuals",
        "individuals_and_entities",
        "entities",
    ),
    "aid_or_funding": ("usd", *sorted(CURRENCY_CODES - {"usd"})),
    "arms_transfer": ("usd", "drones", "missiles", "tanks", "aircraft", "shells"),
    "disaster_or_accident": ("buildings_destroyed", "buildings_collapsed", "buildings_damaged"),
    "casualties": ("missing", "killed_or_wounded"),
    "agreement_or_treaty": ("prisoners", "hostages", "usd"),
    "other": ("rescued", "evacuated"),
    "arrest_or_legal": ("arrested", "detained"),
    "protest": ("protesters",),
}
_ANY_TYPE_UNITS = {
    *CURRENCY_CODES,
    "missing",
    "killed_or_wounded",
    "rescued",
    "prisoners",
    "hostages",
    "evacuated",
    "arrested",
    "detained",
}
_DEMONYMS = {
    "russian": "Russia",
    "ukrainian": "Ukraine",
    "american": "United States",
    "us": "United States",
    "u.s.": "United States",
    "british": "United Kingdom",
    "uk": "United Kingdom",
    "north korean": "North Korea",
    "south korean": "South Korea",
    "chinese": "China",
    "iranian": "Iran",
    "israeli": "Israel",
    "palestinian": "Palestine",
    "syrian": "Syria",
    "turkish": "Turkey",
    "japanese": "Japan",
    "french": "France",
    "german": "Germany",
    "indian": "India",
    "pakistani": "Pakistan",
    "afghan": "Afghanistan",
    "iraqi": "Iraq",
    "lebanese": "Lebanon",
    "yemeni": "Yemen",
    "saudi": "Saudi Arabia",
    "egyptian": "Egypt",
    "qatari": "Qatar",
    "emirati": "United Arab Emirates",
    "jordanian": "Jordan",
    "belarusian": "Belarus",
    "polish": "Poland",
    "georgian": "Georgia",
    "armenian": "Armenia",
    "azerbaijani": "Azerbaijan",
    "taiwanese": "Taiwan",
    "thai": "Thailand",
    "burmese": "Myanmar",
    "vietnamese": "Vietnam",
    "filipino": "Philippines",
    "indonesian": "Indonesia",
    "australian": "Australia",
    "canadian": "Canada",
    "mexican": "Mexico",
    "brazilian": "Brazil",
    "venezuelan": "Venezuela",
    "colombian": "Colombia",
    "cuban": "Cuba",
    "italian": "Italy",
    "spanish": "Spain",
    "dutch": "Netherlands",
    "swedish": "Sweden",
    "finnish": "Finland",
    "norwegian": "Norway",
    "danish": "Denmark",
    "estonian": "Estonia",
    "latvian": "Latvia",
    "lithuanian": "Lithuania",
    "romanian": "Romania",
    "hungarian": "Hungary",
    "serbian": "Serbia",
    "greek": "Greece",
    "libyan": "Libya",
    "sudanese": "Sudan",
    "somali": "Somalia",
    "ethiopian": "Ethiopia",
    "nigerian": "Nigeria",
    "kenyan": "Kenya",
    "malian": "Mali",
    "houthi": "Houthis",
}
_OWN_ENTS = {
    "ORG",
    "PERSON",
    "LAW",
    "WORK_OF_ART",
    "FAC",
    "PRODUCT",
    "EVENT",
    "GPE",
    "NORP",
    "LANGUAGE",
    "DATE",
    "TIME",
    "MONEY",
    "CARDINAL",
    "QUANTITY",
    "PERCENT",
    "ORDINAL",
}


# --------------------------------------------------------------------------------------------
# Frames: the triggers of one clause
# --------------------------------------------------------------------------------------------
@dataclass
class _Trigger:
    token: Token
    key: str
    types: tuple[str, ...]
    typed: str | None = None


@dataclass
class _Frame:
    head: Token  # the clause's verb, or an event noun standing on its own
    triggers: list[_Trigger]
    sent_index: int
    event_type: str | None = None
    primary: Token | None = None
    numbers: list[NumberPhrase] = field(default_factory=list)
    killed: float | None = None
    wounded: float | None = None
    quantity: float | None = None
    quantity_high: float | None = None
    quantity_unit: str | None = None
    actor: str | None = None
    modality: str = "asserted"

    @functools.cached_property
    def subtree(self) -> list[Token]:
        """The clause head's subtree, in text order."""
        return list(self.head.subtree)

    @functools.cached_property
    def scope(self) -> list[Token]:
        """The clause's tokens, and the noun a participle or relative clause describes."""
        head = self.head
        toks = list(self.subtree)
        if head.dep_ in ("acl", "relcl") and head.head.pos_ in ("NOUN", "PROPN", "NUM"):
            toks.append(head.head)
            # "70 drones, of which 45 were shot down": the clause counts its own share
            kept = (
                ("compound", "amod")
                if is_partitive_relative(head)
                else ("nummod", "compound", "amod")
            )
            toks.extend(c for c in head.head.children if c.dep_ in kept)
        return toks


def find_events(
    doc: Doc,
    *,
    mentions: list[EntityMention],
    quotes: list[Quote],
    taxonomy: EventTaxonomy,
    anchor_date: dt.date | None,
) -> list[EventMention]:
    """The event mentions of an article, one per clause that states something happened or was
    decided, in text order. Hedged, conditional and future ones are kept with their modality
    (`hypothetical`, `future`), negated ones as `denied`."""
    article_id = article_id_of(doc)
    sents = list(doc.sents)
    phrases = number_phrases(doc)
    mention_at = _mention_index(doc, mentions)
    # Only these parts of speech can trigger (see `_trigger`); most tokens are skipped unmade.
    pos_ids = doc.to_array(POS).tolist()
    words = token_words(doc)
    frames: list[_Frame] = []
    for si, sent in enumerate(sents):
        triggers = [
            t
            for t in (
                _trigger(doc[i], taxonomy)
                for i in range(sent.start, sent.end)
                if pos_ids[i] in _MAY_TRIGGER and _may_key(i, words, taxonomy)
            )
            if t is not None
        ]
        if not triggers:
            continue
        weapons = _instrument_weapons(sent)
        sent_frames = _group(triggers, si)
        for frame in sent_frames:
            _type_frame(frame, weapons)
        sent_frames = [f for f in _merge(sent_frames) if f.event_type is not None]
        for frame in sent_frames:
            frame.modality = _modality(frame)
        _assign_numbers(sent_frames, [p for p in phrases if sent.start <= p.anchor < sent.end])
        for frame in sent_frames:
            _count(frame, phrases)
        frames.extend(_fold_sentence(sent_frames))
    speaker_of_claim: dict[int, str | None] = {}
    for q in quotes:
        speaker_of_claim.setdefault(q.claim_index, q.speaker_name)
    found_participants: dict[tuple, tuple[str | None, str | None]] = {}

    def participants(frame: _Frame, claim: int | None) -> tuple[str | None, str | None]:
        # the article's context may retype a frame or move its trigger: then they are found anew
        speaker = speaker_of_claim.get(claim)
        key = (id(frame), frame.primary.i, frame.event_type, speaker)
        if key not in found_participants:
            found_participants[key] = _participants(frame, mention_at, speaker)
        return found_participants[key]

    for frame in frames:
        claim = claim_at(quotes, frame.primary.idx) if frame.primary is not None else None
        frame.actor, _ = participants(frame, claim)
    frames = _resolve_article_context(frames)

    numbering = sentence_numbers(doc)
    sentence_places: dict[int, list[_PlaceName]] = {}
    records: list[EventMention] = []
    for frame in frames:
        prim = frame.primary
        if frame.event_type is None or prim is None:
            continue
        sent = sents[frame.sent_index]
        claim = claim_at(quotes, prim.idx)
        actor, target = participants(frame, claim)
        location = _location(frame, sents, mention_at, actor, target, sentence_places)
        date_text = _date_text(frame)
        if _bare_re_mention(frame, actor, target, location, date_text):
            continue
        event_date = _event_date(date_text, anchor_date, frame.modality == "future")
        if (
            frame.modality == "asserted"
            and event_date is not None
            and anchor_date is not None
            and event_date > anchor_date
        ):
            frame.modality = "future"  # "is to vote next week"
        records.append(
            EventMention(
                article_id=article_id,
                event_index=len(records),
                sentence_index=numbering[prim.i],
                trigger=tokens_text(doc, _trigger_start(prim), prim.i + 1),
                trigger_lemma=prim.lemma_.lower(),
                event_type=frame.event_type,
                actor_name=actor,
                target_name=target,
                location=location,
                event_date=event_date,
                date_text=date_text,
                killed=frame.killed,
                wounded=frame.wounded,
                quantity=frame.quantity,
                quantity_high=frame.quantity_high,
                quantity_unit=frame.quantity_unit,
                modality=frame.modality,
                claim_index=claim,
                sentence=span_text(sent).strip(),
                start_char=doc[_trigger_start(prim)].idx,
                end_char=prim.idx + len(prim.text),
            )
        )
    return records


_DEFINITE = {"the", "this", "that", "these", "those"}


def _bare_re_mention(frame: _Frame, *stated: str | None) -> bool:
    """ "the results of the attack were still being assessed": a definite event noun with no
    participant, place, date or figure of its own refers back to an event, not a new one."""
    prim = frame.primary
    return (
        prim.pos_ == "NOUN"
        and any(c.dep_ == "det" and c.lower_ in _DEFINITE for c in prim.children)
        and not any(stated)
        and frame.killed is None
        and frame.wounded is None
        and frame.quantity is None
    )


# --------------------------------------------------------------------------------------------
# Triggers
# --------------------------------------------------------------------------------------------
_VERB_ONLY = {
    "rescue",
    "move",
    "travel",
    "station",
    "shoot",
    "hit",
    "pound",
    "down",
    "sign",
    "declare",
    "demand",
    "arm",
    "sentence",
    "host",
    "speak",
    "brief",
    "shut",
    "build",
    "construct",
    "suspend",
    "expel",
    "shell",
    "jam",
    "neutralize",
    "elect",
    "reelect",
    "destroy",
    "approve",
    "allocate",
    "give",
    "send",
    "provide",
    "supply",
    "deliver",
    "transfer",
    "sell",
    "ship",
    "dispatch",
    "deploy",
    "redeploy",
    "withdraw",
    "reinforce",
    "mobilize",
    "invade",
    "ambush",
    "stab",
    "assassinate",
    "kidnap",
    "abduct",
    "hijack",
    "bombard",
    "strafe",
    "intercept",
    "repel",
    "repulse",
    "recapture",
    "retake",
    "meet",
    "negotiate",
    "discuss",
    "consult",
    "confer",
    "warn",
    "threaten",
    "condemn",
    "denounce",
    "criticize",
    "criticise",
    "accuse",
    "blame",
    "vow",
    "promise",
    "arrest",
    "detain",
    "indict",
    "convict",
    "jail",
    "imprison",
    "prosecute",
    "sue",
    "extradite",
    "acquit",
    "ratify",
    "evacuate",
    "donate",
    "derail",
    "capsize",
    "agree",
    "kill",
    "die",
    "injure",
    "launch",
}
_NOUN_ONLY = {
    "push",
    "exercise",
    "drill",
    "deal",
    "aid",
    "toll",
    "death",
    "casualty",
    "injury",
    "fatality",
    "sale",
    "delivery",
    "restriction",
    "treaty",
    "pact",
    "accord",
    "bail",
    "trial",
    "custody",
    "lawsuit",
    "election",
    "referendum",
    "ballot",
    "quake",
    "earthquake",
    "explosion",
    "blast",
    "accident",
    "blaze",
    "closure",
    "curfew",
    "lockdown",
    "meeting",
    "summit",
    "briefing",
    "negotiation",
    "consultation",
    "warning",
    "condemnation",
    "airstrike",
    "bombardment",
    "shelling",
    "artillery",
    "mortar",
    "incursion",
    "offensive",
    "counteroffensive",
    "invasion",
    "assassination",
    "deployment",
    "reinforcement",
    "mobilization",
    "withdrawal",
    "ratification",
    "agreement",
    "ceasefire",
    "truce",
    "memorandum",
    "evacuation",
    "construction",
    "expulsion",
    "donation",
    "funding",
    "assistance",
    "loan",
    "protester",
    "demonstration",
    "demonstrator",
    "detention",
    "indictment",
    "conviction",
    "prosecution",
    "extradition",
    "derailment",
    "interception",
    "ultimatum",
}
_PARTICLES = {"down", "back", "off", "out", "up"}
# Verbs and nouns that are events only by what they move: "sent troops", "provided drones".
_DEPLOY = {"deploy", "deployment", "dispatch", "redeploy", "mobilize", "mobilization"}
_NEEDS_OBJECT = _DEPLOY | {
    "send",
    "provide",
    "supply",
    "deliver",
    "transfer",
    "sell",
    "ship",
    "give",
    "approve",
    "allocate",
    "freeze",
    "pledge",
    "sale",
    "delivery",
}
_MAY_TRIGGER = frozenset((VERB, NOUN, ADJ, PROPN))
_DESCRIBED_DAMAGE = {"collapse", "destroy", "damage", "kill", "wound", "injure"}
_ADJ_TRIGGERS = {"dead", "missing", "wounded", "injured"}
_DEGREE_WORDS = {"so", "very", "too", "more", "most", "less", "least", "extremely", "highly"}
_PARTITIVE = {"one", "some", "many", "most", "any", "each", "all", "none", "several", "few"}


def _trigger(tok: Token, taxonomy: EventTaxonomy) -> _Trigger | None:  # noqa: C901
    pos = tok.pos_
    if pos == "PROPN":
        # headline capitals ("Airstrike Kills Mother"), never a word inside a name
        if tok.ent_type_ or not tok.text[:1].isupper():
            return None
    elif pos not in ("VERB", "NOUN", "ADJ") or tok.ent_type_ in _OWN_ENTS:
        return None
    if pos == "ADJ" and tok.lemma_.lower() not in _ADJ_TRIGGERS and tok.lower_ not in _ADJ_TRIGGERS:
        return None
    doc = tok.doc
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    if (
        nxt is not None
        and nxt.text in ("-", "–")
        and tok.whitespace_ == ""
        and nxt.whitespace_ == ""
        and tok.i + 2 < len(doc)
        and doc[tok.i + 2].is_alpha
    ):
        return None  # first half of "test-launch", "cease-fire": the second half carries it
    prev = doc[tok.i - 1] if tok.i > 0 else None
    if (
        prev is not None
        and prev.text in ("-", "–")
        and prev.whitespace_ == ""
        and tok.tag_ in ("VBN", "VBD")
        and tok.dep_ in ("amod", "compound")
    ):
        return None  # "US-funded", "Iran-backed"
    if pos == "NOUN" and any(
        c.dep_ == "advmod" and c.lower_ in _DEGREE_WORDS for c in tok.children
    ):
        return None  # an adjective the tagger took for a noun ("so offensive to")
    if (
        pos in ("NOUN", "PROPN")
        and tok.dep_ == "pobj"
        and tok.head.lower_ == "of"
        and tok.head.head.lower_ in _PARTITIVE
    ):
        return None  # "one of the biggest bombardments": a comparison, not an event
    if (
        pos == "VERB"
        and tok.dep_ == "amod"
        and tok.tag_ == "VBN"
        and tok.lemma_.lower() not in _DESCRIBED_DAMAGE
    ):
        return None  # "sanctioned entities", "blacklisted firms": a description, not an event
    if pos in ("NOUN", "PROPN") and tok.dep_ == "pobj" and tok.head.lower_ == "since":
        return None  # "since the last attack": an earlier event used as a point in time
    lemma = tok.lemma_.lower()
    for key in _candidate_keys(tok):
        types = taxonomy.types_for(key)
        if not types:
            continue
        if "_" not in key and pos != "PROPN":
            if key in _VERB_ONLY and pos != "VERB":
                continue
            if key in _NOUN_ONLY and pos == "VERB":
                continue
        if pos in ("NOUN", "PROPN") and tok.dep_ == "compound" and "_" not in key:
            head = tok.head
            if _lem(head) not in _LIGHT_HEADS and not taxonomy.types_for(_lem(head)):
                continue  # "fire crews", "combat coordination"
        if lemma == "fire" and pos != "VERB" and tok.dep_ == "compound":
            continue
        return _Trigger(tok, key, types)
    return None


def _may_key(i: int, words: TokenWords, taxonomy: EventTaxonomy) -> bool:
    """False when none of `_candidate_keys` of token `i` can be a trigger: each key holds the
    token's lemma or form as one of its parts, except the joins of a hyphenated word."""
    return (
        taxonomy.may_hold(words.lemma[i])
        or taxonomy.may_hold(words.lower[i])
        or (i >= 2 and words.lower[i - 1] in ("-", "–"))
    )


def _candidate_keys(tok: Token) -> list[str]:
    lemma = tok.lemma_.lower()
    doc = tok.doc
    keys = []
    for child in tok.children:
        if child.dep_ == "prt":
            keys.append(f"{lemma}_{child.lower_}")
    if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in _PARTICLES:
        keys.append(f"{lemma}_{doc[tok.i + 1].lower_}")  # "shot down", however it is parsed
    if (
        tok.i >= 2
        and doc[tok.i - 1].text in ("-", "–")
        and doc[tok.i - 1].whitespace_ == ""
        and doc[tok.i - 2].whitespace_ == ""
    ):
        keys.append(doc[tok.i - 2].lower_ + tok.lower_)
        keys.append(doc[tok.i - 2].lower_ + lemma)
    for child in tok.children:
        if child.dep_ == "compound" and child.i < tok.i:
            keys.append(f"{child.lemma_.lower()}_{lemma}")
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    keys.append(f"{lemma}_of_{pobj.lemma_.lower()}")
    keys.append(lemma)
    if tok.lower_ != lemma:
        keys.append(tok.lower_)
    return keys


def _trigger_start(tok: Token) -> int:
    """Where a trigger's words begin: "cease-fire" and "test-fired" carry their first half."""
    doc = tok.doc
    if (
        tok.i >= 2
        and doc[tok.i - 1].text in ("-", "–")
        and doc[tok.i - 1].whitespace_ == ""
        and doc[tok.i - 2].whitespace_ == ""
        and doc[tok.i - 2].is_alpha
    ):
        return tok.i - 2
    return tok.i


def _frame_head(tok: Token) -> Token:
    """The clause an event word belongs to: a verb is its own; a noun joins the verb it is an
    argument of ("attacks" in "killed ... in attacks"), else stands alone ("the start of the
    campaign for the election": "election" is an event of its own)."""
    if tok.pos_ in ("VERB", "AUX"):
        t = tok
        while t.dep_ in ("amod", "compound") and t.head.i != t.i:
            t = t.head  # "collapsed buildings": the participle joins its noun's clause
        if t is tok:
            return tok
        tok = t
    t = tok
    for _ in range(12):
        head = t.head
        if head.i == t.i:
            return t
        if t.dep_ in (
            "nsubj",
            "nsubjpass",
            "dobj",
            "attr",
            "oprd",
            "acomp",
            "dative",
            "npadvmod",
            "advmod",
            "xcomp",
            "ccomp",
        ) and head.pos_ in ("VERB", "AUX"):
            return head
        if t.dep_ == "pobj" and head.dep_ == "prep":
            gov = head.head
            if gov.pos_ in ("VERB", "AUX"):
                return gov
            if head.lower_ == "of" and _lem(gov) in _LIGHT_HEADS | _CONTAINERS:
                t = gov
                continue
            return tok
        if t.dep_ in ("conj", "appos", "compound", "amod", "nmod", "nummod"):
            t = head
            continue
        return tok
    return tok


def _group(triggers: list[_Trigger], si: int) -> list[_Frame]:
    frames: dict[int, _Frame] = {}
    for trig in triggers:
        head = _frame_head(trig.token)
        frames.setdefault(head.i, _Frame(head=head, triggers=[], sent_index=si)).triggers.append(
            trig
        )
    return sorted(frames.values(), key=lambda f: f.head.i)


# --------------------------------------------------------------------------------------------
# Syntax helpers
# --------------------------------------------------------------------------------------------
def _lem(tok: Token) -> str:
    return tok.lemma_.lower()


def _np_lemmas(tok: Token) -> set[str]:
    """Lemmas of a noun phrase's head, its conjuncts and their modifiers."""
    out: set[str] = set()
    for t in _conjuncts(tok):
        out.add(_lem(t))
        out.add(t.lower_)
        for c in t.children:
            if c.dep_ in ("compound", "amod", "nmod") and c.i < t.i:
                out.add(_lem(c))
                out.add(c.lower_)
            if c.dep_ == "prep" and c.lower_ == "of":  # "a series of air raids"
                for p in c.children:
                    if p.dep_ == "pobj":
                        out.add(_lem(p))
                        out.update(_lem(x) for x in p.children if x.dep_ in ("compound", "amod"))
            if c.dep_ == "nummod" and t.pos_ == "NUM":
                out.add(_lem(c))
    return out


def _conjuncts(tok: Token) -> list[Token]:
    out = [tok]
    for c in tok.children:
        if c.dep_ == "conj":
            out.extend(_conjuncts(c))
    return out


def _objects(tok: Token) -> list[Token]:
    """What a verb acts on: direct objects, a passive subject, the noun an acl modifies."""
    out = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd")]
    if tok.dep_ in ("acl", "relcl", "amod") and tok.head.pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
        out.append(tok.head)
    if not out and tok.dep_ == "conj":
        out = [c for c in tok.head.children if c.dep_ in ("dobj", "nsubjpass")]
    extra = []
    for c in out:
        if c.pos_ in ("NUM", "PRON"):  # "339 drones" parsed with the number as the object
            extra += [x for x in c.children if x.dep_ in ("prep", "nmod", "compound", "appos")]
            extra += [p for x in c.children if x.dep_ == "prep" for p in x.children]
            if c.i + 1 < len(c.doc) and c.doc[c.i + 1].pos_ == "NOUN":
                extra.append(c.doc[c.i + 1])
    return out + extra


def _subjects(tok: Token) -> list[Token]:
    out = [c for c in tok.children if c.dep_ in ("nsubj", "csubj")]
    if len(out) > 1:  # a dateline the parser took for a second subject: keep the nearest
        out = [min(out, key=lambda c: abs(tok.i - c.i))]
    t = tok
    while not out and t.dep_ in ("conj", "xcomp", "advcl") and t.head.i != t.i:
        if t.dep_ == "advcl" and any(c.dep_ == "mark" for c in t.children):
            break
        t = t.head
        out = [c for c in t.children if c.dep_ == "nsubj"]
    if (
        not out
        and tok.dep_ == "relcl"
        and tok.head.pos_ in ("NOUN", "PROPN")
        and any(c.dep_ == "nsubj" and c.tag_ in ("WDT", "WP") for c in tok.children)
    ):
        out = [tok.head]
    if not out and tok.dep_ == "relcl":
        out = [c for c in tok.children if c.dep_ == "nsubj"]
    # "which" / "who" subjects stand for the noun the relative clause hangs on
    return [tok.head if (s.tag_ in ("WDT", "WP") and tok.dep_ == "relcl") else s for s in out]


def _agent(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None


def _prep_objs(tok: Token, preps: set[str]) -> list[Token]:
    return [
        p
        for c in tok.children
        if c.dep_ == "prep" and c.lower_ in preps
        for p in c.children
        if p.dep_ == "pobj"
    ]


def _has_class(tokens: Iterable[Token | None], words: set[str]) -> bool:
    return any(t is not None and _np_lemmas(t) & words for t in tokens)


def _is_passive(tok: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children) or (
        tok.dep_ in ("acl", "relcl", "amod") and tok.tag_ == "VBN"
    )


# --------------------------------------------------------------------------------------------
# Typing
# --------------------------------------------------------------------------------------------
# Lower number wins when one clause holds triggers of several types.
_PRIORITY = {
    "interception": 1,
    "airstrike_or_shelling": 2,
    "drone_or_missile_attack": 3,
    "battle": 4,
    "attack": 5,
    "disaster_or_accident": 6,
    "troop_deployment": 7,
    "arms_transfer": 8,
    "sanctions": 9,
    "aid_or_funding": 10,
    "agreement_or_treaty": 11,
    "arrest_or_legal": 12,
    "protest": 13,
    "election_or_vote": 14,
    "meeting_or_talks": 15,
    "other": 16,
    "statement_or_warning": 17,
    "casualties": 18,
    "damage": 19,
}


def _instrument_weapons(sent: Span) -> set[str]:
    """Weapons the sentence names as instruments of harm: subjects of attack verbs ("drones
    killed"), "by"/"with" phrases ("hit by a missile", "attacked with drones"), and modifiers
    of attack nouns ("a drone attack", "missile strikes")."""
    doc = sent.doc
    lemmas = token_words(doc).lemma
    found: set[str] = set()
    for i in range(sent.start, sent.end):
        lemma = lemmas[i]
        if lemma not in _HARM_INSTRUMENTS:
            continue
        t = doc[i]
        while t.dep_ == "conj":
            t = t.head
        acting = t.dep_ == "nsubj" and _lem(t.head) in _HARM_VERBS
        means = (
            t.dep_ == "pobj"
            and t.head.lower_ in ("by", "with")
            and (_lem(t.head.head) in _HARM_VERBS or t.head.dep_ == "agent")
        )
        kind = t.dep_ in ("compound", "amod", "nmod") and _lem(t.head) in _HARMING_HEADS
        if acting or means or kind:
            found.add(lemma)
    return found


_HARM_INSTRUMENTS = frozenset(_AIR_WEAPONS | _SHELLING_WEAPONS)
_HARM_VERBS = frozenset({
    "kill",
    "hit",
    "strike",
    "attack",
    "target",
    "pound",
    "destroy",
    "damage",
    "injure",
    "wound",
    "bombard",
    "shell",
    "slam",
    "blast",
})
_HARMING_HEADS = _HARM_VERBS | {"raid"}


def _type_frame(frame: _Frame, weapons: set[str]) -> None:
    """Choose the frame's event type and the trigger that carries it."""
    choices: list[tuple[int, int, str, Token]] = []
    scope = frame.scope
    scope_lemmas = {_lem(t) for t in scope if not t.ent_type_ or t.ent_type_ in ("",)}
    for trig in frame.triggers:
        typed = _type_trigger(trig, frame)
        if typed in ("casualties", "attack"):
            near = _weapon_agent(trig.token) or (weapons if typed == "attack" else set())
            if typed == "casualties":
                near = near or (_weapon_agent(frame.head) if frame.head.pos_ == "VERB" else set())
            if near & _AIR_WEAPONS:
                typed = "drone_or_missile_attack"
            elif near & _SHELLING_WEAPONS:
                typed = "airstrike_or_shelling"
        trig.typed = typed
        if typed is not None:
            choices.append((_PRIORITY.get(typed, 50), trig.token.i, typed, trig.token))
    if not choices:
        frame.event_type = None
        return
    # a warning, threat or condemnation is the event of its clause; what it is about is not
    stated = [
        c
        for c in choices
        if c[2] == "statement_or_warning"
        and _lem(c[3]) != "declare"
        and (c[3].i == frame.head.i or (c[3].dep_ == "dobj" and c[3].head.i == frame.head.i))
    ]
    # so is a meeting: "negotiated a deal", "discussed sanctions" are talks
    stated += [
        c
        for c in choices
        if c[2] == "meeting_or_talks" and c[3].i == frame.head.i and c[3].pos_ == "VERB"
    ]
    best = stated[0] if stated else min(choices)
    _, _, typed, primary = best
    if typed in ("casualties", "attack", "damage") and scope_lemmas & _DISASTER_NOUNS:
        disaster = [c for c in choices if c[2] == "disaster_or_accident"]
        typed = "disaster_or_accident"
        primary = disaster[0][3] if disaster else primary
    frame.event_type = typed
    frame.primary = primary


def _weapon_agent(tok: Token) -> set[str]:
    """Weapon words acting in the trigger's own phrase: its subject, agent, "with"/"by" phrase
    or modifiers ("Russian drones ... killed", "a drone attack", "hit by a missile")."""
    pool: list[Token] = []
    if tok.pos_ == "VERB":
        pool += _subjects(tok)
        agent = _agent(tok)
        if agent is not None:
            pool.append(agent)
        pool += _prep_objs(tok, {"with", "by"})
    else:
        pool.append(tok)
        pool += _prep_objs(tok, {"with", "by", "from"})
    found: set[str] = set()
    for p in pool:
        found |= _np_lemmas(p) & (_AIR_WEAPONS | _SHELLING_WEAPONS)
    return found


def _type_trigger(trig: _Trigger, frame: _Frame) -> str | None:  # noqa: C901
    """The type one trigger signals in its clause, None when the context rules it out."""
    tok, key, types = trig.token, trig.key, trig.types
    is_verb = tok.pos_ == "VERB" or (tok.pos_ == "PROPN" and tok.tag_.startswith("VB"))
    objs = _objects(tok) if is_verb else []
    subj = _subjects(tok) if is_verb else []
    theme = objs + ([tok] if not is_verb else [])
    agent = _agent(tok) if is_verb else None

    if key in ("launch", "fire") and is_verb:
        # a light verb: "fired missiles" is an attack, "launched an offensive" the offensive
        pool = objs + (subj if _is_passive(tok) or not objs else [])
        if _has_class(pool, _AIR_WEAPONS | _SHELLING_WEAPONS):
            if _has_class(pool, _SHELLING_WEAPONS) and not _has_class(pool, _AIR_WEAPONS):
                return "airstrike_or_shelling"
            return "drone_or_missile_attack"
        if _has_class(objs, {"satellite"}):
            return "other"
        return None
    if key == "launch":  # the noun: "the launches", "a missile launch"
        return "drone_or_missile_attack"
    if key in ("testlaunch", "testfire", "testfired"):
        return "other"
    if key == "fire" and not is_verb:
        mods = {_lem(c) for c in tok.children} | {_lem(tok.head)}
        if tok.dep_ == "pobj" and tok.head.lower_ == "under" and not mods & _WEAPONS:
            return None  # "came under fire from critics"
        if mods & (_WEAPONS | {"open", "return", "artillery", "sniper", "gun"}):
            return "attack"
        return "disaster_or_accident"
    if key == "storm":
        return "attack" if is_verb else "disaster_or_accident"
    if key in ("hit", "strike", "pound") and is_verb:
        actors = subj + ([agent] if agent is not None else [])
        if _has_class(actors, _DISASTER_NOUNS):
            return "disaster_or_accident"  # "the quake hit"
        if _has_class(actors, _WARPLANES) and (
            key == "pound"
            or _has_class(actors, _MILITARY | {"fighter", "warplane", "bomber", "gunship"})
        ):
            return "airstrike_or_shelling"  # "fighter jets pounded militants"
        if _has_class(actors, _VEHICLES - {"drone"}):
            return "disaster_or_accident"  # "a cargo ship struck the bridge"
        if _has_class(actors, _AIR_WEAPONS):
            return "drone_or_missile_attack"
        if key == "hit" and not actors:
            return None
        if (
            key == "hit"
            and not _has_class(actors, _AGENT_NOUNS | _WEAPONS | _TROOPS)
            and not any(a.ent_type_ in ("GPE", "NORP", "ORG") for a in actors)
        ):
            return None  # "prices hit a record"
        return "attack"
    if key in ("destroy", "down", "jam", "neutralize", "intercept", "shoot_down", "interception"):
        if key in ("intercept", "shoot_down", "interception") or _has_class(
            objs + subj, _AIR_WEAPONS | {"aircraft", "jet", "plane", "helicopter", "target"}
        ):
            return "interception"
        if key == "destroy" and _has_class(objs, _BUILDINGS):
            return "damage"
        if key == "destroy" and objs:
            return "attack"
        return None
    if key == "collapse":
        # buildings, bridges and dams collapse; talks and truces do not (here)
        things = subj + objs + ([tok.head] if tok.dep_ in ("amod", "compound") else [])
        if not is_verb and tok.dep_ == "nsubj":
            things = [tok]
        if not is_verb:
            things += _prep_objs(tok, {"of"})
        return "damage" if _has_class(things, _STRUCTURES) else None
    if key == "crash":
        things = subj if is_verb else [tok]
        if not is_verb and _has_class([tok], _MARKETS):
            return None
        if is_verb and not _has_class(things, _VEHICLES):
            return None  # "shares crashed"
        return "disaster_or_accident"
    if key in ("shoot", "shooting") and is_verb:
        hit = objs + _prep_objs(tok, {"at"})
        if not (
            _has_class(hit, _PERSON_NOUNS | {"people", "protester", "demonstrator"})
            or any(t.ent_type_ == "PERSON" for t in hit)
            or any(c.lower_ in ("dead", "wounded") for c in tok.children)
            or _has_class(subj, _AGENT_NOUNS - {"it", "which", "that"} | _TROOPS)
        ):
            return None  # "the film was shot in Morocco"
        return "attack"
    if key == "strike" and not is_verb:
        mods = {_lem(c) for c in tok.children if c.dep_ in ("compound", "amod")}
        on_strike = (
            tok.dep_ == "pobj"
            and tok.head.lower_ == "on"
            and tok.tag_ == "NN"
            and _lem(tok.head.head) in ("go", "be", "remain", "stay", "walk", "come")
        )
        if mods & _LABOR or on_strike:
            return "protest"  # "workers went on strike", "a general strike"
    if (
        key == "attack"
        and not is_verb
        and {_lem(c) for c in tok.children} & {"heart", "panic", "asthma", "anxiety"}
    ):
        return None
    if key in ("meet", "host") and is_verb and objs and _has_class(objs, _ABSTRACT_OBJECTS):
        return None  # "met expectations", "hosted the Olympics"
    if (
        key == "charge"
        and is_verb
        and not (_is_passive(tok) or _prep_objs(tok, {"with"}) or any(_is_agent(o) for o in objs))
    ):
        return None  # "charged $5", "charged the battery"
    if key == "trial" and {_lem(c) for c in tok.children} & {
        "clinical",
        "drug",
        "vaccine",
        "field",
        "pilot",
        "free",
    }:
        return None
    if key in ("test", "exercise", "drill"):
        context = {_lem(t) for t in sentence_of(tok)}
        mods = {_lem(c) for c in tok.children} | ({_lem(t) for t in objs} if is_verb else set())
        if not (mods | context) & _MILITARY:
            return None  # "a driving test", "an exercise in futility"
    if key == "rally" and _has_class(subj + ([tok] if not is_verb else []), _MARKETS):
        return None  # "stocks rallied"
    if (
        key == "die"
        and _prep_objs(tok, {"of", "from", "after"})
        and not _has_class(
            _prep_objs(tok, {"of", "from", "after"}),
            {
                "injury",
                "wound",
                "attack",
                "strike",
                "blast",
                "explosion",
                "shelling",
                "bombing",
                "torture",
                "gunshot",
            },
        )
    ):
        return None  # "died of cancer"
    if key in ("move", "travel", "withdraw", "withdrawal", "station", "reinforce", "reinforcement"):
        return "troop_deployment" if _has_class(subj + objs + theme, _TROOPS) else None
    if key == "speak":
        partners = _prep_objs(tok, {"with"})
        if partners and not _has_class(partners, {"reporter", "journalist", "press", "media"}):
            return "meeting_or_talks"
        return None
    if (
        key in ("talk", "discuss", "brief", "briefing", "meet")
        and is_verb
        and _has_class(
            objs + _prep_objs(tok, {"with", "to"}), {"reporter", "journalist", "press", "media"}
        )
    ):
        return None
    if key == "protest":
        # a government's protest is diplomatic: "Tokyo lodged a protest with Pyongyang"
        if not is_verb and _lem(tok.head) in (
            "lodge",
            "file",
            "register",
            "issue",
            "express",
            "send",
            "deliver",
            "voice",
        ):
            return "statement_or_warning"
        if any(c.dep_ == "prep" and c.lower_ in ("with", "to") for c in tok.children):
            return "statement_or_warning"
        if is_verb and subj and all(s.ent_type_ in ("GPE", "ORG") for s in subj):
            return "statement_or_warning"
        return "protest"
    if key in ("kill", "murder", "execute", "massacre") and is_verb:
        # someone killing is an attack; a bare tally ("12 people were killed") is not
        doers = ([agent] if agent is not None else []) if _is_passive(tok) else subj
        for doer in doers:
            if doer.pos_ == "PRON" and doer.lower_ not in ("he", "she", "they"):
                continue
            if _is_agent(doer) and not _has_class([doer], _DISASTER_NOUNS | _ACCIDENTS):
                return "attack"
        return "casualties"
    if key == "release":
        return (
            "other"
            if _has_class(objs, {"hostage", "prisoner", "detainee", "captive", "pow"})
            else None
        )
    if key in ("bomb", "bombing") and not is_verb:
        mods = {_lem(c) for c in tok.children if c.dep_ in ("compound", "amod", "nmod")}
        if mods & {
            "car",
            "suicide",
            "roadside",
            "pipe",
            "truck",
            "nail",
            "homemade",
            "improvised",
            "letter",
            "parcel",
            "terrorist",
        }:
            return "attack"
        if key == "bomb" and not mods & {
            "glide",
            "aerial",
            "guided",
            "cluster",
            "air",
            "barrel",
            "laser",
            "precision",
        }:
            return "attack"
        return "airstrike_or_shelling"
    sides = subj + ([tok] if not is_verb else []) + _prep_objs(tok, {"between", "with", "among"})
    if not is_verb and tok.dep_ in ("nsubj", "nsubjpass"):
        sides += _prep_objs(tok.head, {"between", "with", "among"})  # "clashes broke out between"
    if "battle" in types and _has_class(sides, {"protester", "demonstrator", "rioter", "crowd"}):
        return "protest"  # "protesters clashed with police"
    if (
        key in ("raid", "storm")
        and is_verb
        and _has_class(subj, {"police", "policeman", "officer", "agent"})
    ):
        return "arrest_or_legal"  # "police raided the encampment"
    if key == "missing":
        # "went missing", "are missing": people unaccounted for
        return "casualties" if _lem(tok.head) in ("go", "be", "remain", "report", "list") else None
    if key == "dead":
        return (
            "casualties"
            if tok.pos_ == "NOUN"
            or tok.dep_ in ("acomp", "oprd")
            or _lem(tok.head) in ("leave", "be")
            else None
        )
    if key in ("wounded", "injured") and tok.pos_ == "ADJ":
        return "casualties" if tok.dep_ in ("acomp", "oprd") or tok.pos_ == "NOUN" else None
    if key in ("build", "construct", "construction"):
        if _has_class(
            objs,
            {
                "following",
                "case",
                "relationship",
                "trust",
                "momentum",
                "capacity",
                "support",
                "consensus",
                "coalition",
                "media",
                "reputation",
                "career",
                "brand",
                "audience",
            },
        ):
            return None
        return "other"
    if key == "push":
        return "battle" if not is_verb else None
    if key in ("capture", "retake", "recapture"):
        if _has_class(
            objs,
            {
                "image",
                "photo",
                "footage",
                "moment",
                "attention",
                "imagination",
                "video",
                "picture",
                "mood",
                "essence",
            },
        ):
            return None
        return "battle"
    if key == "charge" and not is_verb and tok.tag_ != "NNS":
        return None
    if key == "sign":
        if _has_class(objs, {"letter", "petition", "autograph", "book"}):
            return None
        return "agreement_or_treaty"
    if key in _AID_NOUNS and not is_verb and "aid_or_funding" in types and len(types) == 1:
        base = tok
        while base.dep_ == "conj":
            base = base.head
        if base.dep_ == "compound" and _lem(base.head) in _LIGHT_HEADS:
            base = base.head  # "announced a $425 million aid package": the package is given
        if not (
            base.dep_ in ("nsubj", "nsubjpass")
            or (base.dep_ == "dobj" and _lem(base.head) in _AID_VERBS)
        ):
            return None  # "an update on security assistance": aid named, nothing done with it
        return "aid_or_funding"
    if "statement_or_warning" in types and is_verb and len(types) == 1:
        # only people and institutions warn or vow ("tensions threatened to explode" do not)
        if subj and not any(_is_agent(s) for s in subj):
            return None
        if tok.dep_ in ("acl", "amod") and tok.tag_ == "VBN":
            return None  # "individuals accused of ...": a description, not a statement made
    if len(types) > 1 or key in _NEEDS_OBJECT:
        pool = objs + theme + _money_theme(tok)
        pool += [p for o in objs for p in _prep_objs(o, {"in", "of"})]  # "$5 million in aid"
        pool += _prep_objs(tok, {"in"})
        candidates = set(types)
        if "troop_deployment" in candidates and _has_class(pool, _TROOPS):
            return "troop_deployment"
        if "arms_transfer" in candidates and _has_class(pool, _WEAPONS):
            return "arms_transfer"
        if "aid_or_funding" in candidates and (_has_class(pool, _AID) or _money_theme(tok)):
            return "aid_or_funding"
        if "sanctions" in candidates and _has_class(pool, {"asset", "account", "property"}):
            return "sanctions"
        if key == "pledge":
            return "statement_or_warning"
        if key in _DEPLOY and _has_class(pool + subj, _WEAPONS | _MILITARY):
            return "troop_deployment"
        if len(candidates) == 1 and key not in _NEEDS_OBJECT:
            return types[0]
        return None
    return types[0]


def _is_agent(tok: Token) -> bool:
    if tok.pos_ in ("PRON", "PROPN") or tok.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    return bool(_np_lemmas(tok) & _AGENT_NOUNS) or _lem(tok) in _TROOPS


def _money_theme(tok: Token) -> list[Token]:
    """The money a verb moves: "$4.3 billion approved by Congress", "pledged $1 billion"."""
    out = []
    for t in [*_objects(tok), tok.head if tok.dep_ in ("acl", "relcl") else None]:
        if t is None:
            continue
        if t.ent_type_ == "MONEY" or any(c.ent_type_ == "MONEY" for c in t.children):
            out.append(t)
    return out


_DEFER_TO = {
    "sanctions",
    "agreement_or_treaty",
    "aid_or_funding",
    "arms_transfer",
    "troop_deployment",
    "election_or_vote",
}


def _merge(frames: list[_Frame]) -> list[_Frame]:
    """Joins clauses that state one event: conjoined verbs of one family ("intercepted or jammed",
    "killed ... and injured"), and a decision verb with the event it decides ("voted to ratify",
    "agreed to impose sanctions")."""
    by_head = {f.head.i: f for f in frames}
    drop: set[int] = set()
    joined: dict[int, _Frame] = {}  # head of a clause joined to another -> the frame it joined
    for f in frames:
        if f.event_type is None or f.primary is None:
            continue
        if _lem(f.primary) in ("agree", "vote", "decide", "approve", "move", "order"):
            for c in f.primary.children:
                if (
                    c.dep_ == "xcomp"  # "agreed to impose"; "agreed that X must" stays
                    and c.i in by_head
                    and by_head[c.i].event_type in _DEFER_TO
                ):
                    drop.add(f.head.i)
        if f.event_type == "agreement_or_treaty" and f.primary.pos_ != "VERB":
            # "the agreement on our sanctions package": the package is the event agreed
            inner = {
                t.i
                for p in ("on", "over", "to", "for")
                for o in _prep_objs(f.primary, {p})
                for t in o.subtree
            }
            if any(
                g is not f
                and g.event_type in _DEFER_TO - {"agreement_or_treaty"}
                and any(t.token.i in inner for t in g.triggers)
                for g in frames
            ):
                drop.add(f.head.i)
        nested = f.head.i == f.primary.i and f.primary.pos_ != "VERB"
        described = f.head.dep_ in ("relcl", "acl") and f.event_type in INCIDENT
        if nested or described:
            # an event noun or a relative clause inside a clause of the same kind is that
            # clause's event ("killed 10 civilians in nighttime attacks", "the toll from the
            # quake that struck the region")
            for g in frames:
                if g is f or g.event_type is None or g.head.i in drop or g.head.i == f.head.i:
                    continue
                # "launched 70 drones, of which 45 were shot down": the defenders' act, not the
                # attackers'
                if not nested and f.event_type == "interception" and g.event_type != f.event_type:
                    continue
                if _family(g.event_type) == _family(f.event_type) and f.head.i in {
                    t.i for t in g.head.subtree
                }:
                    g.triggers.extend(f.triggers)
                    if _PRIORITY.get(f.event_type, 50) < _PRIORITY.get(g.event_type, 50):
                        g.event_type, g.primary = f.event_type, f.primary
                    drop.add(f.head.i)
                    break
        # conjoined verbs ("intercepted or jammed") and a result participle ("shelled the
        # city, killing two") tell one event; a clause conjoined to one already joined goes
        # where it went ("hit Kyiv, killing 12 and wounding 30")
        result = f.head.dep_ == "advcl" and f.head.tag_ == "VBG"
        if (f.head.dep_ == "conj" or result) and f.head.head.i in by_head:
            other = joined.get(f.head.head.i) or by_head[f.head.head.i]
            if (
                other.event_type is not None
                and other.head.i not in drop
                and _family(other.event_type) == _family(f.event_type)
            ):
                other.triggers.extend(f.triggers)
                if _PRIORITY.get(f.event_type, 50) < _PRIORITY.get(other.event_type, 50):
                    other.event_type, other.primary = f.event_type, f.primary
                drop.add(f.head.i)
                joined[f.head.i] = other
    return [f for f in frames if f.head.i not in drop]


def _family(event_type: str | None) -> str:
    if event_type in INCIDENT or event_type == "damage":
        return "violence"
    return event_type or ""


# --------------------------------------------------------------------------------------------
# Counts
# --------------------------------------------------------------------------------------------
def _assign_numbers(frames: list[_Frame], phrases: Sequence[NumberPhrase]) -> None:
    """Each figure goes to the innermost frame whose clause holds it."""
    if not frames:
        return
    scopes = [(f, {t.i for t in f.scope}) for f in frames]
    for p in phrases:
        owners = [(len(s), f.head.i, f) for f, s in scopes if p.anchor in s]
        if owners:
            min(owners, key=lambda x: (x[0], x[1]))[2].numbers.append(p)


def _count(frame: _Frame, phrases: Sequence[NumberPhrase]) -> None:
    """Killed, wounded and one typed quantity from the frame's own figures."""
    roles: list[tuple[str, float, float | None]] = []
    for trig in frame.triggers:
        found = _victims(trig.token, phrases)
        if found is not None:
            roles.append((found[0], found[1], None))
    for p in frame.numbers:
        role = _role(p, frame)
        if role is not None:
            roles.append((role, p.value, p.high))
    for role, value, _high in roles:
        if role == "killed" and frame.killed is None:
            frame.killed = value
        elif role == "wounded" and frame.wounded is None:
            frame.wounded = value
    units = [r for r in roles if r[0] not in ("killed", "wounded") and r[0] in _EVENT_UNITS]
    if frame.event_type is None or not units:
        return
    preferred = _TYPE_UNITS.get(frame.event_type, ())
    fitting = [u for u in units if u[0] in preferred or u[0] in _ANY_TYPE_UNITS]
    if not fitting:
        return
    role, value, high = min(
        fitting, key=lambda u: preferred.index(u[0]) if u[0] in preferred else len(preferred)
    )
    frame.quantity, frame.quantity_high, frame.quantity_unit = value, high, role


def _victims(tok: Token, phrases: Sequence[NumberPhrase]) -> tuple[str, float] | None:
    """The number of people a kill/wound verb names: "killed a mother and her three children"
    counts 4, "killed at least 10 civilians" 10, "left 14 people wounded" 14."""
    lemma = _lem(tok)
    if tok.pos_ not in ("VERB", "ADJ"):
        return None
    if lemma in _KILL:
        role = "killed"
        if any(c.dep_ == "conj" and _lem(c) in _WOUND for c in tok.children) and any(
            c.dep_ == "cc" and c.lower_ == "or" for c in tok.children
        ):
            role = "killed_or_wounded"
    elif lemma in _WOUND or tok.lower_ in ("wounded", "injured"):
        role = "wounded"
    elif lemma in _DIE or tok.lower_ == "dead":
        role = "killed"
    else:
        return None
    if lemma in _DIE:
        victims = [c for c in tok.children if c.dep_ == "nsubj"]
    elif tok.dep_ in ("oprd", "xcomp", "ccomp", "acomp") and _lem(tok.head) == "leave":
        victims = [c for c in tok.head.children if c.dep_ == "dobj"]
    elif tok.dep_ in ("acomp",) and tok.lower_ in ("dead", "wounded", "injured"):
        victims = [c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    # A passive, or a participle without an object of its own: the object would make it active
    # ("airstrikes killed 30 people", which the parser may read as a participle of "airstrikes").
    # Its subject is who suffered: "5,493 wounded" after "were killed and", parsed as a subject;
    # "with 232 people killed", a participle without an auxiliary.
    elif (tok.tag_ == "VBN" and not any(c.dep_ == "dobj" for c in tok.children)) or any(
        c.dep_ in ("auxpass", "nsubjpass") for c in tok.children
    ):
        unaided = not any(c.dep_ == "aux" for c in tok.children)
        victims = [
            c
            for c in tok.children
            if c.dep_ == "nsubjpass" or (c.dep_ == "nsubj" and (c.pos_ == "NUM" or unaided))
        ]
        if not victims and tok.dep_ in ("acl", "amod"):
            victims = [tok.head]
    else:
        victims = [c for c in tok.children if c.dep_ == "dobj"]
    # The first that counts anyone: a dateline's place may be parsed as a subject too.
    value = next(
        (v for v in (_np_count(victim, phrases) for victim in victims) if v is not None), None
    )
    return (role, value) if value is not None else None


def _np_count(tok: Token, phrases: Sequence[NumberPhrase]) -> float | None:
    """People a noun phrase counts, its conjuncts summed: "a mother and her three children"
    is 4. A phrase with no figure at all ("a police officer") counts nothing: the text
    states no number."""
    total = 0.0
    written = False
    for part in _conjuncts(tok):
        if part.pos_ == "NUM":
            value = next((p.value for p in phrases if p.start <= part.i < p.end), None)
        elif any(c.dep_ == "nummod" for c in part.children) or any(
            p.head == part.i for p in phrases
        ):
            value = next((p.value for p in phrases if p.head == part.i), None)
        elif _lem(part) in _PERSON_NOUNS and part.tag_ == "NN" or part.ent_type_ == "PERSON":
            value = 1.0
        else:
            value = None
        if value is None:
            return None
        written = (
            written or value != 1.0 or part.pos_ == "NUM" or any(p.head == part.i for p in phrases)
        )
        total += value
    return (total or None) if written else None


def _role(p: NumberPhrase, frame: _Frame) -> str | None:  # noqa: C901
    """What a figure counts in its frame: killed, wounded, or a unit key."""
    doc = frame.head.doc
    carrier = doc[p.head] if p.head is not None else doc[p.anchor]
    base = carrier
    while base.dep_ == "conj":
        base = base.head
    lemma = _lem(carrier)
    unit = p.unit
    if lemma in ("death", "dead", "fatality", "body", "killing"):
        return "killed"
    if lemma in ("injury", "wound", "injured", "wounded"):
        return "wounded"
    if lemma in ("casualty",):
        return "killed_or_wounded"
    verb = base.head
    vlemma = _lem(verb)
    if base.dep_ in ("dobj", "nsubjpass", "nsubj") and verb.pos_ == "VERB":
        if vlemma in _KILL | _DIE | _WOUND:
            if any(c.dep_ == "conj" and _lem(c) in _WOUND | _KILL for c in verb.children) and any(
                c.dep_ == "cc" and c.lower_ == "or" for c in verb.children
            ):
                return "killed_or_wounded"
            return None  # counted through the victims' noun phrase
        if vlemma in ("sustain", "suffer", "receive") and any(
            _lem(c) in ("injury", "wound") for c in verb.children if c.dep_ == "dobj"
        ):
            return "wounded"
        if vlemma in ("rescue", "save"):
            return "rescued"
        if vlemma == "evacuate":
            return "evacuated"
        if vlemma in ("arrest", "detain"):
            return "arrested" if vlemma == "arrest" else "detained"
        if vlemma in ("destroy", "collapse", "damage") and unit == "buildings":
            return "buildings_" + _PARTICIPLE[vlemma]
        if vlemma in ("go", "be", "remain", "leave", "list", "report") and any(
            c.lower_ == "missing" for c in verb.children
        ):
            return "missing"
    if any(c.lower_ == "missing" and c.dep_ in ("amod", "acomp", "oprd") for c in carrier.children):
        return "missing"  # "68 missing people"
    # "5,600 buildings (officials said) were destroyed": the relative clause says what happened
    if unit == "buildings":
        for c in carrier.children:
            if c.dep_ in ("relcl", "acl"):
                for t in c.subtree:
                    if _lem(t) in _PARTICIPLE and t.pos_ == "VERB":
                        return "buildings_" + _PARTICIPLE[_lem(t)]
    if unit in CURRENCY_CODES:
        return unit
    # a bare figure completing a verb whose subject is a toll: "the death toll surpassed 40,000"
    if p.head is None or carrier.pos_ == "NUM":
        return _toll_role(doc[p.anchor])
    # "two rounds of joint strikes" -> strike_rounds
    if lemma in _CONTAINERS:
        for pobj in _prep_objs(carrier, {"of"}):
            return f"{_lem(pobj)}_{carrier.lower_}"
    if unit in ("people", "civilians", "persons", "residents", "passengers"):
        lemmas = {_lem(t.token) for t in frame.triggers}
        if lemmas & {"rescue"}:
            return "rescued"
        if lemmas & {"evacuate", "evacuation"}:
            return "evacuated"
        if frame.event_type == "protest":
            return "protesters"
        return None
    return unit


_PARTICIPLE = {"collapse": "collapsed", "destroy": "destroyed", "damage": "damaged"}


def _toll_role(anchor: Token) -> str | None:
    gov = anchor.head
    if anchor.dep_ == "pobj" and gov.dep_ == "prep":
        gov = gov.head
    if gov.pos_ not in ("VERB", "AUX"):
        return None
    subj = [c for c in gov.children if c.dep_ in ("nsubj", "nsubjpass")]
    if anchor.dep_ == "pobj" and anchor.head.lower_ in ("at", "to"):
        # "put the death toll at 248", "raised the toll to 250"
        subj = [c for c in gov.children if c.dep_ == "dobj"] or subj
    if not subj:
        return None
    s = subj[0]
    lemmas = _np_lemmas(s)
    if lemmas & {"toll", "death_toll"} and not lemmas & {"injury", "injured", "wounded"}:
        return "killed"
    if _lem(s) in ("number", "tally", "count", "toll"):
        if lemmas & {"dead", "death", "fatality", "killed"}:
            return "killed"
        if lemmas & {"injury", "injured", "wounded"}:
            return "wounded"
        for pobj in _prep_objs(s, {"of"}):
            key = unit_key(pobj)
            return key if key in _EVENT_UNITS else None
    return None


def _fold_sentence(frames: list[_Frame]) -> list[_Frame]:
    """Clauses that add detail to an attack told in the same sentence are not events of their
    own: a death or injury tally fills the attack's empty counts ("killed 10 ..., with seven
    deaths in the capital"), a collapse or fire is its damage."""
    violent = [
        f
        for f in frames
        if (f.event_type in INCIDENT or f.event_type == "protest")
        and f.event_type != "casualties"
        and f.modality == "asserted"
    ]
    if not violent:
        return frames
    kept = []
    for f in frames:
        if f.event_type == "casualties" and not _is_toll(f):
            nearest = min(violent, key=lambda v: abs(v.head.i - f.head.i))
            if nearest.killed is None:
                nearest.killed = f.killed
            if nearest.wounded is None:
                nearest.wounded = f.wounded
            continue
        if f.event_type == "damage":
            continue
        if (
            f.event_type == "disaster_or_accident"
            and f.primary is not None
            and _lem(f.primary) in _CONSEQUENCES
            and any(v.event_type in VIOLENT for v in violent)
        ):
            continue
        kept.append(f)
    return kept


def _is_toll(frame: _Frame) -> bool:
    return any(t.key in ("toll", "death_toll") or _lem(t.token) == "toll" for t in frame.triggers)


def _resolve_article_context(frames: list[_Frame]) -> list[_Frame]:  # noqa: C901
    """Decisions that need the whole article.

    * Destruction whose cause the clause does not name takes the type of the nearest attack or
      disaster; a fire or blast right after an attack is that attack's damage.
    * Missile launches with no target follow the article's earlier launches (tests stay tests).
    * "struck", "hit" by an actor whose other attacks are told as drone or missile attacks is
      one of them.
    * A casualty tally repeating the death count of an attack or disaster is that event.
    """
    out: list[_Frame] = []
    incidents: list[tuple[int, _Frame]] = [
        (i, f)
        for i, f in enumerate(frames)
        if f.event_type in VIOLENT or f.event_type == "disaster_or_accident"
    ]
    for i, f in enumerate(frames):
        if f.event_type == "damage":
            before = [g for j, g in incidents if j < i]
            after = [g for j, g in incidents if j > i]
            source = before[-1] if before else (after[0] if after else None)
            if source is None:
                continue
            f.event_type = "attack" if source.event_type == "interception" else source.event_type
        if (
            f.event_type == "disaster_or_accident"
            and f.primary is not None
            and _lem(f.primary) in _CONSEQUENCES
        ):
            recent = [
                g
                for j, g in incidents
                if j < i and g.event_type in VIOLENT and f.sent_index - g.sent_index <= 1
            ]
            if recent:
                continue
        out.append(f)

    last_launch: str | None = None
    for f in out:
        if f.primary is None or _lem(f.primary) not in ("launch", "fire", "testlaunch"):
            continue
        if f.event_type not in ("drone_or_missile_attack", "other"):
            continue
        decided = _launch_kind(f)
        if decided is None:
            decided = last_launch or "drone_or_missile_attack"
        f.event_type = decided
        last_launch = decided

    remote = {f.actor.lower() for f in out if f.event_type == "drone_or_missile_attack" and f.actor}
    for f in out:
        if (
            f.event_type == "attack"
            and f.primary is not None
            and f.primary.pos_ == "VERB"
            and _lem(f.primary) in ("strike", "hit", "attack", "target")
            and f.actor
            and any(f.actor.lower() in r or r in f.actor.lower() for r in remote)
        ):
            f.event_type = "drone_or_missile_attack"

    # a casualty mention without figures right after an attack is about that attack's victims
    attacks = [f.sent_index for f in out if f.event_type in VIOLENT and f.modality == "asserted"]
    out = [
        f
        for f in out
        if not (
            f.event_type == "casualties"
            and f.killed is None
            and f.wounded is None
            and f.quantity is None
            and any(0 < f.sent_index - s <= 2 for s in attacks)
        )
    ]

    deaths = {f.killed for f in out if f.killed is not None and f.event_type != "casualties"}
    return [f for f in out if not (f.event_type == "casualties" and f.killed in deaths)]


def _launch_kind(frame: _Frame) -> str | None:
    """ "drone_or_missile_attack" for a launch at a target, "other" for a test (into the sea, a
    satellite), None when the sentence does not say."""
    prim = frame.primary
    assert prim is not None
    sent_lemmas = {_lem(t) for t in sentence_of(prim) if not t.ent_type_ or t.ent_type_ == "LOC"}
    targets = [t for t in _prep_objs(prim, _TARGET_PREPS) if t.ent_type_ not in ("DATE", "TIME")]
    into_test = [t for t in targets if _np_lemmas(t) & _TEST_CONTEXT or t.ent_type_ == "LOC"]
    if targets and not into_test:
        return "drone_or_missile_attack"
    if into_test or sent_lemmas & _TEST_CONTEXT:
        return "other"
    if _has_class(_objects(prim) + _subjects(prim), {"drone", "shahed", "uav", "decoy"}):
        return "drone_or_missile_attack"
    return None


# --------------------------------------------------------------------------------------------
# Participants, place, time, modality
# --------------------------------------------------------------------------------------------
def _mention_index(doc: Doc, mentions: Sequence[EntityMention]) -> dict[int, EntityMention]:
    by_token: dict[int, EntityMention] = {}
    for m in mentions:
        bounds = char_range(doc, m.start_char, m.end_char)
        if bounds is None:
            continue
        for i in range(*bounds):
            by_token.setdefault(i, m)
    return by_token


def _participants(  # noqa: C901
    frame: _Frame, mention_at: Mapping[int, EntityMention], speaker: str | None
) -> tuple[str | None, str | None]:
    """Actor and target from the trigger's clause: subject or agent, object or "on"/"against"
    phrase; what moves in a deployment or transfer is not its target, its destination is."""
    prim = frame.primary
    assert prim is not None
    etype = frame.event_type
    moves_theme = etype in ("troop_deployment", "arms_transfer", "aid_or_funding")
    actor_tok: list[Token] = []
    target_tok: list[Token] = []
    if prim.pos_ == "VERB":
        agent = _agent(prim)
        if _is_passive(prim):
            if agent is not None:
                actor_tok.append(agent)
            theme = [c for c in prim.children if c.dep_ == "nsubjpass"]
            if not theme and prim.dep_ in ("acl", "relcl", "amod"):
                theme = [prim.head]
            if moves_theme:
                target_tok += _prep_objs(prim, {"to", "into"})
                if not actor_tok:
                    actor_tok += [t for t in theme if _modifier_name(t, mention_at)]
            elif _lem(prim) in ("fire", "launch"):
                target_tok += _prep_objs(prim, _TARGET_PREPS)
            else:
                target_tok += theme
        else:
            actor_tok += _subjects(prim)
            objs = [c for c in prim.children if c.dep_ == "dobj"]
            if moves_theme:
                target_tok += _prep_objs(prim, {"to", "into"})
                if not target_tok:
                    # "pledged 500 million euros in aid to Ukraine": the phrase of what is sent
                    sent = objs + [p for o in objs for p in _prep_objs(o, {"in", "of"})]
                    target_tok += [to for c in sent for to in _prep_objs(c, {"to"})]
            elif etype == "meeting_or_talks":
                target_tok += objs + _prep_objs(prim, {"with"})
            elif etype == "battle":
                target_tok += objs + _prep_objs(prim, {"with", "against"})
            elif _lem(prim) in ("fire", "launch"):
                target_tok += _prep_objs(prim, _TARGET_PREPS)  # the missiles are the means
            else:
                target_tok += objs or _prep_objs(prim, _TARGET_PREPS)
    else:
        # "a $425 million aid package for Ukraine": the phrase is the light noun's
        phrase = prim.head if prim.dep_ == "compound" and _lem(prim.head) in _LIGHT_HEADS else prim
        for owner in (c for c in phrase.children if c.dep_ == "poss"):
            if owner.pos_ == "PRON" and phrase.dep_ == "dobj":
                # "Ukraine has intensified its attacks": the pronoun is the verb's subject
                actor_tok += _subjects(phrase.head)
            else:
                actor_tok.append(owner)
        if etype != "troop_deployment":
            actor_tok += _prep_objs(phrase, {"by"})
        if not actor_tok:
            actor_tok += [
                c
                for head in dict.fromkeys((prim, phrase))
                for c in head.children
                if c.dep_ in ("compound", "amod", "nmod")
                and c.i < head.i
                and _modifier_name(c, mention_at)
            ]
        if not actor_tok:
            # "carried out two rounds of joint strikes": the doer of the light verb
            t = phrase
            while (
                t.dep_ == "pobj"
                and t.head.lower_ == "of"
                and _lem(t.head.head) in (_LIGHT_HEADS | _CONTAINERS)
            ):
                t = t.head.head
            doer = _LIGHT_VERBS | (_AID_VERBS if etype == "aid_or_funding" else set())
            if t.dep_ in ("dobj", "attr") and _lem(t.head) in doer:
                actor_tok += _subjects(t.head)
            elif t.dep_ == "nsubjpass" and _lem(t.head) in doer:
                actor_tok += [a for a in [_agent(t.head)] if a is not None]
        if etype == "meeting_or_talks":
            preps = {"with", "between"}
        elif etype == "battle":
            preps = {"with", "against"}
        elif moves_theme:
            preps = {"to", "for"}
        else:
            preps = _TARGET_PREPS | ({"of"} if etype in VIOLENT else set())
        target_tok += _prep_objs(phrase, preps)
    if etype in ("disaster_or_accident", "casualties") and prim.pos_ != "VERB":
        actor_tok = []  # "Mexico's deadliest earthquake": a place, nobody's act
    actor = _names(actor_tok, mention_at, role="actor")
    target = _names(target_tok, mention_at, role="target")
    if actor is None and speaker and any(t.lower_ in ("it", "we", "they") for t in actor_tok):
        actor = speaker
    if actor is not None and actor == target:
        target = None
    return actor, target


def _names(tokens: list[Token], mention_at: Mapping[int, EntityMention], role: str) -> str | None:
    """Names of the parties in `tokens` and their conjuncts, "; "-joined. Words that name no
    actor ("air defenses") are kept only when nothing in the slot is a known actor."""
    resolved: list[str] = []
    plain: list[str] = []
    for tok in tokens:
        for part in _conjuncts(tok):
            if part.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT"):
                continue
            found = _name_of(part, mention_at, role)
            if found is None:
                continue
            name, known = found
            bucket = resolved if known else plain
            if name not in bucket:
                bucket.append(name)
    names = resolved or plain
    return "; ".join(names) if names else None


def _modifier_name(tok: Token, mention_at: Mapping[int, EntityMention]) -> str | None:
    """An actor named by a modifier: a mention ("Russia airstrike") or a demonym ("Ukrainian
    drone attack"); never a plain word ("summer push", "security assistance")."""
    m = mention_at.get(tok.i)
    if m is not None and m.entity_type in ("country", "organization", "group", "person"):
        return m.name
    if m is not None:
        return None  # a place: "the Kyiv strike"
    found = _demonym(tok) or _entity_name(tok)
    if found:
        return found
    for c in tok.children:  # "North Korean troops": the demonym sits on the noun's modifier
        if c.dep_ in ("compound", "amod", "nmod") and c.i < tok.i:
            m = mention_at.get(c.i)
            if m is not None and m.entity_type in ("country", "organization", "group", "person"):
                return m.name
            found = _demonym(c)
            if found:
                return found
    return None


def _name_of(
    tok: Token, mention_at: Mapping[int, EntityMention], role: str
) -> tuple[str, bool] | None:
    """The actor a noun phrase names, and whether it is a known actor: a mention on its head,
    else on its possessor / compound / demonym modifier ("Russia's defense ministry", "a
    Ukrainian drone attack"), else its words when they say more than one word. A weapon in the
    target slot keeps its words ("Ukrainian drones" were shot down)."""
    m = mention_at.get(tok.i)
    if m is not None and m.entity_type != "location":
        return m.name, True
    if tok.pos_ == "PRON":
        return None
    for c in tok.children:  # "his counterpart Rustem Umerov"
        m = mention_at.get(c.i) if c.dep_ == "appos" else None
        if m is not None and m.entity_type != "location":
            return m.name, True
    weapon = bool({_lem(tok)} & (_WEAPONS | {"ship", "vessel", "tanker", "plane"}))
    # a possessor or modifier names the actor behind a body, force or weapon ("Russia's
    # defense ministry", "US and British forces"); "Zelenskyy's hometown" is a place, not him
    stands_for = weapon or _lem(tok) in _AGENT_NOUNS | _TROOPS or tok.pos_ == "PROPN"
    if not (weapon and role == "target") and stands_for:
        for dep in ("poss", "compound", "amod", "nmod"):
            names = []
            for c in tok.children:
                if c.dep_ == dep and c.i < tok.i:
                    for part in _conjuncts(c):
                        found = _modifier_name(part, mention_at)
                        if found and found not in names:
                            names.append(found)
            if names:
                return "; ".join(names), True
        if tok.pos_ == "NOUN" and tok.tag_ == "NNS" and not weapon:
            # "the leaders of France and Germany", "officials from Japan and the US"
            names = []
            for pobj in _prep_objs(tok, {"of", "from"}):
                for part in _conjuncts(pobj):
                    found = _modifier_name(part, mention_at)
                    if found and found not in names:
                        names.append(found)
            if names:
                return "; ".join(names), True
    if not (weapon and role == "target"):
        found = _demonym(tok) or _entity_name(tok)
        if found:
            return found, True
    if tok.pos_ in ("NOUN", "PROPN"):
        mods = [
            c
            for c in tok.children
            if c.dep_ in ("compound", "amod", "nmod", "poss") and c.i < tok.i
        ]
        start = min([tok.i, *(c.left_edge.i for c in mods)])
        while start < tok.i and (
            tok.doc[start].pos_ in ("DET", "NUM", "PUNCT") or tok.doc[start].like_num
        ):
            start += 1
        words = tok.doc[start : tok.i + 1]
        if len(words) < 2 or len(words.text) > 60:
            return None
        return words.text, False
    return None


def _entity_name(tok: Token) -> str | None:
    """The words of the named entity (GPE, ORG, PERSON, NORP) the token is part of."""
    if tok.ent_type_ not in ("GPE", "ORG", "PERSON", "NORP"):
        return None
    ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
    if ent is None:
        return None
    text = span_text(ent)
    text = text[4:] if text.lower().startswith("the ") else text
    if text.endswith(("'s", "’s")):
        text = text[:-2]
    return _demonym_text(text) or text


def _demonym(tok: Token) -> str | None:
    left = [c for c in tok.children if c.dep_ in ("compound", "amod") and c.i == tok.i - 1]
    if left:
        full = _demonym_text(f"{left[0].text} {tok.text}")
        if full:
            return full
    if tok.i > 0 and tok.doc[tok.i - 1].lower_ in ("north", "south"):
        full = _demonym_text(f"{tok.doc[tok.i - 1].text} {tok.text}")
        if full:
            return full
    return _demonym_text(tok.text)


def _demonym_text(text: str) -> str | None:
    key = text.lower().strip()
    if key.endswith("s") and key[:-1] in _DEMONYMS:
        key = key[:-1]
    return _DEMONYMS.get(key)


def _location(
    frame: _Frame,
    sents: list[Span],
    mention_at: Mapping[int, EntityMention],
    actor: str | None,
    target: str | None,
    sentence_places: dict[int, list[_PlaceName]],
) -> str | None:
    """A place named in a prepositional phrase of the clause, else of the sentence, else of the
    sentence before it in the same paragraph. `sentence_places` keeps each sentence's place
    names, by sentence index, for the other clauses of the article."""

    def places_of(index: int) -> list[_PlaceName]:
        if index not in sentence_places:
            sentence_places[index] = _place_names(sents[index], mention_at)
        return sentence_places[index]

    taken = {p.strip() for n in (actor, target) if n for p in n.split(";")}
    scope = {t.i for t in frame.scope}
    sent = sents[frame.sent_index]
    found = _unclaimed_place(places_of(frame.sent_index), taken, prefer=scope)
    if found is None and frame.sent_index > 0:
        prev = sents[frame.sent_index - 1]
        prev_text = span_text(prev)
        between = doc_text(sent.doc)[prev.end_char : sent.start_char] + prev_text[-1:]
        if "\n" not in between and "\n" not in prev_text.strip():
            found = _unclaimed_place(places_of(frame.sent_index - 1), taken, prefer=set())
    return found


@dataclass(frozen=True)
class _PlaceName:
    """A place named in a prepositional phrase of a sentence."""

    root: int  # token index of the name's root
    start: int  # token index where the name starts
    text: str  # as the event's location ("Kursk region")
    written: str  # the name as written


def _unclaimed_place(places: list[_PlaceName], taken: set[str], prefer: set[int]) -> str | None:
    """The first place that is not a participant, those rooted in `prefer` first."""
    candidates = [
        (0 if place.root in prefer else 1, place.start, place.text)
        for place in places
        if place.written not in taken and place.text not in taken
    ]
    return min(candidates)[2] if candidates else None


def _place_names(span: Span, mention_at: Mapping[int, EntityMention]) -> list[_PlaceName]:
    names = ents_within(span)
    known = {(e.start, e.end) for e in names}
    inside = range(span.start, span.end)
    for m in {id(m): m for i in inside for m in [mention_at.get(i)] if m}.values():
        piece = char_range(span.doc, m.start_char, m.end_char)
        typed = piece is not None and m.entity_type in ("location", "country")
        if typed and piece not in known:
            # a place the entity rules found ("the city of Kherson")
            names.append(Span(span.doc, *piece))
    places = []
    for ent in names:
        root = ent.root
        m = mention_at.get(root.i)
        typed_place = m is not None and m.entity_type in ("location", "country")
        place_name = (
            ent.label_ in ("NORP", "PERSON", "ORG")
            and root.dep_ in ("compound", "pobj")
            and (_lem(root.head) in _PLACE_HEADS or _lem(root.head.head) in _PLACE_HEADS)
        )  # "Belgorod region" tagged as a nationality, "the city of Kherson" as a person
        if ent.label_ not in ("GPE", "LOC", "FAC") and not place_name and not typed_place:
            continue
        if (
            m is not None
            and m.entity_type in ("person", "organization", "group")
            and not place_name
        ):
            continue
        if root.dep_ == "poss" and any(
            c.dep_ == "compound" and c.pos_ == "PROPN" for c in root.head.children
        ):
            continue  # "Russia's Belgorod region": the region is the place
        in_prep = (
            (root.dep_ == "pobj" and root.head.lower_ in _LOCATION_PREPS)
            or (
                root.dep_ in ("compound", "amod", "poss", "nmod", "appos")
                and _lem(root.head) in _PLACE_HEADS
                and root.head.dep_ == "pobj"
                and root.head.head.lower_ in _LOCATION_PREPS
            )
            or (root.dep_ == "appos" and root.head.dep_ == "pobj")
            or (
                root.dep_ == "pobj"
                and root.head.lower_ == "of"
                and _lem(root.head.head) in _PLACE_HEADS  # "the city of Kherson"
            )
        )
        if not in_prep:
            continue
        places.append(_PlaceName(root.i, ent.start, _place_text(ent), span_text(ent)))
    return places


def _place_text(ent: Span) -> str:
    """ "Kursk" -> "Kursk region" when the name modifies a place noun, "eastern Russia" with its
    direction word; the name otherwise."""
    root = ent.root
    head = root.head
    doc = ent.doc
    start, end = ent.start, ent.end
    if doc[start].lower_ == "the":
        start += 1
    if end - 1 > start and doc[end - 1].tag_ == "POS":
        end -= 1
    if (
        root.dep_ in ("compound", "amod", "nmod")
        and _lem(head) in _PLACE_HEADS
        and head.i > root.i
        and head.i - ent.end <= 2
    ):
        end = head.i + 1
    if start > 0 and doc[start - 1].lower_ in _DIRECTIONS:
        start -= 1
        if start > 0 and doc[start - 1].lower_ == "far":
            start -= 1
    return tokens_text(doc, start, end)


_REL_MARKS = {"if", "unless", "whether"}
_MODALS = {"may", "might", "could", "should", "must", "can"}
_FUTURE_AUX = {"will", "shall", "'ll", "wo", "would", "'d"}


def _grants_anonymity(verb: Token) -> bool:
    """ "(who) spoke on condition of anonymity to discuss ...": the wire formula for an anonymous
    source, whose purpose clause says what the source talked about, not what happened."""
    return any(
        x.lower_ == "anonymity" for c in verb.children if c.dep_ == "prep" for x in c.subtree
    )


def _modality(frame: _Frame) -> str:  # noqa: C901
    """denied (not / no / denied), hypothetical (if / may / could / possibly / not authorized
    to / ready to), future (will / plans to / planned), else asserted."""
    prim = frame.primary
    assert prim is not None
    head = frame.head if frame.head.pos_ in ("VERB", "AUX") else prim
    for t in {prim, head}:
        for c in t.children:
            if c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no"):
                return "denied"
    t = prim
    for _ in range(6):  # "no reports of casualties": the "no" sits on the governing noun
        for c in t.children:
            if c.dep_ == "det" and c.lower_ == "no":
                return "denied"
        if t.head.i == t.i or t.head.pos_ in ("VERB", "AUX") or t.pos_ in ("VERB", "AUX"):
            break
        t = t.head
    hypothetical = future = False
    for c in prim.children:
        if c.dep_ in ("amod", "advmod") and c.lower_ in _HEDGES:
            if c.lower_ in _FUTURE_HEDGES:
                future = True
            else:
                hypothetical = True
    if _if_before(head):
        hypothetical = True
    # walk up the clause chain: xcomp / ccomp / advcl / conj, stopping at reported speech
    t = head
    via = ""
    for _ in range(8):
        gov = t.head.head if t.dep_ == "pcomp" and t.head.dep_ == "prep" else t.head
        if t.dep_ in ("acl", "pcomp") and _lem(gov) in _INTENT_NOUNS:
            future = True  # "plans to", "interest in negotiating a deal"
        for c in t.children:
            if c.dep_ == "mark" and c.lower_ in _REL_MARKS:
                hypothetical = True
            if c.dep_ in ("aux", "auxpass") and c.lower_ in _MODALS:
                hypothetical = True
            if c.dep_ == "aux" and c.lower_ in _FUTURE_AUX:
                future = True
            if c.dep_ == "advmod" and c.lower_ in _HEDGES:
                hypothetical = True
        governs = t.i != head.i and via != "conj"  # a conjoined verb is a sibling, not a frame
        if governs and _lem(t) in _DENY:
            return "denied"
        unrealized = t.tag_ in ("VBN", "JJ") and _lem(t) in _UNREALIZED_GOVERNORS
        if governs and via == "xcomp" and unrealized:
            hypothetical = True
        if governs and via in ("xcomp", "advcl") and _grants_anonymity(t):
            hypothetical = True
        if governs and _lem(t) in _FUTURE_GOVERNORS:
            future = True
        if governs and _lem(t) in _REPORTING:
            break
        if t.dep_ in ("xcomp", "ccomp", "advcl", "conj", "pcomp", "acomp") and t.head.i != t.i:
            if t.dep_ == "conj" and t.head.pos_ not in ("VERB", "AUX"):
                break
            if (
                t.dep_ == "advcl"
                and t.tag_ == "VBG"
                and any(
                    x.lower_ == "with" and x.head.i == t.head.i
                    for x in t.doc[max(0, t.i - 6) : t.i]
                )
            ):
                break  # "..., with Kim threatening to ...": an aside, not under the main verb
            via = t.dep_
            t = t.head
            continue
        break
    if prim.pos_ != "VERB":
        if prim.dep_ in ("dobj", "nsubjpass") and _lem(prim.head) in _FUTURE_OBJECT_GOVERNORS:
            future = True
        if (
            prim.dep_ == "pobj"
            and prim.head.lower_ == "for"
            and prim.head.head.i == frame.head.i
            and _lem(frame.head) in _FUTURE_GOVERNORS | {"wait", "push", "call", "pray"}
        ):
            future = True  # "hope for a cease-fire", "called for talks"
    if hypothetical:
        return "hypothetical"
    if future:
        return "future"
    return "asserted"


def _if_before(head: Token) -> bool:
    """A conditional the parser attached elsewhere: "... if Iran and its allies attack Israel"."""
    doc = head.doc
    i = head.i - 1
    sent_start = sentence_of(head).start
    while i >= sent_start and head.i - i <= 10:
        t = doc[i]
        if t.lower_ in ("if", "unless"):
            return True
        if t.pos_ in ("VERB",) or t.text in (",", ";", "—", "–", ":"):
            return False
        i -= 1
    return False


def _date_text(frame: _Frame) -> str | None:
    """The time expression of the event's own clause: one a nested clause carries ("warned of
    drills set to start next week") dates that clause, not this event."""
    prim = frame.primary
    assert prim is not None
    doc = prim.doc
    head = frame.head
    sub = frame.subtree
    own: set[int] | None = None  # the trigger's own phrase, made when first asked
    candidates = []
    # verbs whose time is this event's: its own clause, and a verb it completes ("voted last
    # week to ratify", "began striking in November")
    clause = {head.i}
    t = head
    while t.dep_ in ("xcomp", "conj") and t.head.i != t.i:
        t = t.head
        clause.add(t.i)
    for d in date_expressions(doc[sub[0].i : sub[-1].i + 1]):
        if d.text.lower().startswith("since "):
            continue  # "the deadliest since 1985": a comparison, not when it happened
        owner = _owning_verb(doc[d.root])
        if owner is None or owner.i in clause:
            candidates.append(d)
        elif prim.pos_ != "VERB":
            own = own if own is not None else {t.i for t in prim.subtree}
            if d.root in own:
                candidates.append(d)
    if not candidates and head.dep_ in ("xcomp", "conj"):
        for d in date_expressions(doc[head.head.left_edge.i : head.head.right_edge.i + 1]):
            owner = _owning_verb(doc[d.root])
            if owner is not None and owner.i in clause:
                candidates.append(d)
    if not candidates:
        return None
    best = min(candidates, key=lambda d: (0 if d.is_point else 1, abs(d.root - prim.i)))
    return best.text


def _owning_verb(tok: Token) -> Token | None:
    for t in tok.ancestors:
        if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "compound"):
            return t
    return None


def _event_date(text: str | None, anchor: dt.date | None, future: bool) -> dt.date | None:
    if text is None:
        return None
    if future and anchor is not None:
        words = text.lower().replace(".", "").split()
        day = next((WEEKDAYS[w] for w in words if w in WEEKDAYS), None)
        if day is not None and not any(w in ("last", "past") for w in words):
            return anchor + dt.timedelta(days=(day - anchor.weekday()) % 7)
    return resolve_date(text, anchor)
