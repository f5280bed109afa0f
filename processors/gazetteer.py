"""Actor gazetteer: surface forms -> country / IGO / NGO codes, role nouns -> sectors.

Pure Python (no Kafka, Faust or spaCy). The shipped dictionaries live in
``processors/data`` (see ``processors/data/README.md`` for their provenance):

``actors.tsv``
    A tab-separated file whose first non-comment line is the header
    ``name<TAB>code<TAB>sector<TAB>kind``. Lines starting with ``#`` and blank
    lines are ignored.

    * ``name``: a surface form, words separated by single spaces; matched
      case-insensitively after normalisation (see :func:`normalize`).
    * ``code``: ISO 3166 alpha-3 for countries (``CHN``, ``RUS``, ``USA``...;
      ``KOS`` for Kosovo, as PLOVER does) or a short IGO/NGO code (``UN``,
      ``NATO``, ``EU``, ``AU``, ``ASEAN``, ``OPEC``, ``WHO``, ``IAEA``, ``ICC``,
      ``ICRC``, ``AMNESTY``, ``HRW``...). Upper-case letters and digits.
    * ``sector``: empty or a three-letter PLOVER sector (``GOV``, ``MIL``,
      ``REB``, ``OPP``, ``COP``, ``JUD``, ``LEG``, ``SPY``...; see
      :data:`PLOVER_SECTORS`). Note PLOVER's ``MED`` is *health* and ``JRN`` is
      media (CAMEO's ``HLH`` and ``MED``).
    * ``kind``: one of :data:`KINDS`: ``country``, ``capital``, ``demonym``,
      ``metonym``, ``igo``, ``ngo``, ``person``, ``org``.

``persons.actors``
    Persons with dated roles, in the PETRARCH actor format below (generated from
    Phoenix; see ``processors/data/README.md``). Read after ``actors.tsv``, whose
    entries win on a shared name; every block is a person.

``agents.tsv``
    Header ``noun<TAB>sector``; ``noun`` is a lower-case role noun (may be
    multi-word, singular and plural both listed), ``sector`` a PLOVER sector.

User dictionaries passed to :meth:`Gazetteer.load` may be in that TSV format
(recognised by its header) or in the PETRARCH/TABARI ``.actors`` / ``.agents``
formats (everything else):

* actors: a primary phrase (words joined by ``_`` or spaces) with an optional
  ``[CODE]``, ``+SYNONYM`` lines sharing the block's codes, and tab-indented
  date restrictions ``[CODE <YYMMDD]``, ``[CODE >YYMMDD]``,
  ``[CODE YYMMDD-YYMMDD]`` (``YYYYMMDD`` also accepted). The code that applies
  today is used; otherwise the undated (default) code; otherwise the most
  recent dated one. Such an entry keeps all its codes (``ActorEntry.dated``) so
  that an article can be coded as of its publication date instead
  (:meth:`ActorEntry.code_on`). Codes made of a known country code followed by CAMEO
  sector segments (``CHNGOV``, ``USAGOVLEG``) are split into country +
  PLOVER sector; Phoenix IGO codes (``IGOUNO``, ``IGOWSTNAT``...) become short
  codes (``UN``, ``NATO``...); anything else (e.g. the fictional ``ARN`` or
  ``GON`` of the PETRARCH validation suite) passes through unchanged. Null
  codes such as ``[---]`` drop the entry.
* agents: ``PHRASE {PLURALS} [~SECTOR]`` lines, with ``!MARKER! = A, B``
  substitution sets; regular plurals are generated unless ``{}`` is given.

``#`` comments, ``<!-- -->`` comments (also multi-line) and legacy ``;``
comments are skipped. A user file that cannot be read raises
:class:`processors.errors.DictionaryError` naming the file and line.

Matching: names are compared after :func:`normalize` (case, curly quotes,
accents, hyphens, dots, a leading "the", a final possessive). One exception
to case-insensitivity: a one-word entry that is also a common English word
(:data:`COMMON_WORDS`: China, Turkey, Polish, Trump...) only matches text that
is not all lower case, and one written in capitals in its dictionary (US,
WHO, AU, UN) only matches capitals, so the pronouns "us" and "who" are never
actors.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from processors.errors import DictionaryError

__all__ = [
    "CAMEO_SECTOR_MAP",
    "COMMON_WORDS",
    "COUNTRY_CODES",
    "DATA_DIR",
    "KINDS",
    "PHOENIX_IGO_CODES",
    "PLOVER_SECTORS",
    "ActorEntry",
    "DatedCode",
    "Gazetteer",
    "PetrarchActorBlock",
    "agent_sector",
    "dated_code",
    "dictionary_kind",
    "igo_code",
    "normalize",
    "parse_petrarch_actors",
    "parse_petrarch_agents",
    "read_actor_tsv",
    "read_agent_tsv",
    "resolve_sector",
    "split_code",
]

DATA_DIR = Path(__file__).resolve().parent / "data"

ACTOR_HEADER = ("name", "code", "sector", "kind")
AGENT_HEADER = ("noun", "sector")

KINDS = frozenset({"country", "capital", "demonym", "metonym", "igo", "ngo", "person", "org"})

# The sector codes of the PLOVER manual ("Sector Codes" table).
PLOVER_SECTORS = frozenset(
    {
        # frequently used
        "COP", "GOV", "JUD", "LEG", "MIL", "PRM", "PTY", "REB", "SPY", "UAF", "UNK",
        # less frequently used
        "AGR", "BUS", "CRM", "CVL", "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP",
        "PRE", "REL", "SOC",
    }
)  # fmt: skip

# CAMEO/Phoenix three-letter sector segments -> PLOVER sector. CAMEO "MED" was
# media (PLOVER JRN) and CAMEO "HLH" health (PLOVER MED); religions and issue
# groups have no PLOVER sector of their own and fold into REL / SOC.
CAMEO_SECTOR_MAP: dict[str, str] = {
    **{code: code for code in PLOVER_SECTORS if code not in {"MED"}},
    "MED": "JRN",
    "HLH": "MED",
    "INS": "REB",
    "SEP": "REB",
    "PPL": "CVL",
    "NGO": "SOC",
    "NGM": "SOC",
    "HRI": "SOC",
    "ENV": "SOC",
    "DEV": "SOC",
    "REL": "REL",
    "MOS": "REL",
    "MUS": "REL",
    "CHR": "REL",
    "CTH": "REL",
    "PRO": "REL",
    "ORT": "REL",
    "JEW": "REL",
    "BUD": "REL",
    "HIN": "REL",
    "SHI": "REL",
    "SUN": "REL",
    "SIK": "REL",
    "JAN": "REL",
}

# Sectors that say more about an actor's role than the one before them, e.g.
# USAGOVLEG (Congress) -> LEG, AFGGOVCOP -> COP, MUSUAF -> UAF.
_SPECIFIC_UNDER_STATE = frozenset({"LEG", "JUD", "COP", "SPY", "MIL"})
_ROLE_SECTORS = PLOVER_SECTORS - {"REL", "SOC", "CVL", "UNK"}


# ISO 3166-1 alpha-3, plus Kosovo's KOS (PLOVER), XKX and KSV (Phoenix).
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


COUNTRY_CODES = _words(
    """
    ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN
    BES BFA BGD BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN
    CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU
    DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR
    GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV
    HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM
    KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA
    MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM
    NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL
    PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE
    SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK
    TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB
    VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE
    KOS XKX KSV
    """
)

# Phoenix (CAMEO) IGO/NGO codes -> the project's short codes and kinds. Longer
# Phoenix codes fall back to their longest listed prefix (IGOUNOXYZ -> UN).
PHOENIX_IGO_CODES: dict[str, tuple[str, str]] = {
    "IGOUNO": ("UN", "igo"),
    "IGOUNOREFHCR": ("UNHCR", "igo"),
    "IGOUNOHRIHCH": ("OHCHR", "igo"),
    "IGOUNOKID": ("UNICEF", "igo"),
    "IGOUNOWFP": ("WFP", "igo"),
    "IGOUNOHLHWHO": ("WHO", "igo"),
    "IGOUNOIAE": ("IAEA", "igo"),
    "IGOUNOJUDICJ": ("ICJ", "igo"),
    "IGOUNOLABILO": ("ILO", "igo"),
    "IGOUNOAGRFAO": ("FAO", "igo"),
    "IGOUNODEVWBK": ("WBG", "igo"),
    "IGOUNOWBK": ("WBG", "igo"),
    "IGOUNOENV": ("UN", "igo"),
    "IGOBUSIMF": ("IMF", "igo"),
    "IGOBUSWTO": ("WTO", "igo"),
    "IGOBUSOPC": ("OPEC", "igo"),
    "IGOOPC": ("OPEC", "igo"),
    "IGOWSTNAT": ("NATO", "igo"),
    "IGOEUREEC": ("EU", "igo"),
    "IGOSEAASN": ("ASEAN", "igo"),
    "IGOAFRAFU": ("AU", "igo"),
    "IGOAFROAU": ("AU", "igo"),
    "IGOJUDICC": ("ICC", "igo"),
    "IGOMEAARL": ("LAS", "igo"),
    "IGOPGSGCC": ("GCC", "igo"),
    "IGOOAS": ("OAS", "igo"),
    "IGOEURSCE": ("OSCE", "igo"),
    "IGOEURCOE": ("COE", "igo"),
    "IGOMOSOIC": ("OIC", "igo"),
    "IGOWAFWAS": ("ECOWAS", "igo"),
    "IGOSAFDEVSAD": ("SADC", "igo"),
    "IGOCOPITP": ("INTERPOL", "igo"),
    "IGOCASCIS": ("CIS", "igo"),
    "IGOEAFEAC": ("EAC", "igo"),
    "IGOASADEVADB": ("ADB", "igo"),
    "IGOEURDEVEBR": ("EBRD", "igo"),
    "NGOHRIAMN": ("AMNESTY", "ngo"),
    "NGOHLHMSF": ("MSF", "ngo"),
    "NGOXFM": ("OXFAM", "ngo"),
    "NGOICG": ("ICG", "ngo"),
}

# Common English words that are also dictionary entries. A one-word entry
# whose normalised form is listed here only matches text that is not all
# lower case ("Turkey", not "turkey"); if the entry is written in capitals in
# its dictionary (an acronym: US, WHO, AU, UN, CAR) the text must be in
# capitals too ("US" or "U.S.", never "us" or "Us").
COMMON_WORDS = _words(
    """
    us who un au cis car it is am an as at be by do go he if in me my no of on or so
    to up we oas ira oil
    china turkey guinea chad japan panama chile brazil morocco jersey wales
    polish pole poles danish dane swede swedes afghan greek
    lima manila havana muscat sofia
    pentagon amnesty trump tusk kiwi
    """
)

_NULL_CODE = re.compile(r"^[^A-Za-z0-9]*$")  # ---, +++, ###
_CODE_SHAPE = re.compile(r"^[A-Z][A-Z0-9]{0,15}$")
_SECTOR_SHAPE = re.compile(r"^[A-Z]{3}$")

# --------------------------------------------------------------------------
# normalisation


_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
    }
)
_SEPARATORS = re.compile(r"[\u2010-\u2015\u2212_/\-]+")
_PUNCT = re.compile(r"[,;:()\[\]{}\"!?*&]+")
_POSSESSIVE = re.compile(r"\s*'s$|'$")


def _fold(text: str) -> str:
    """Quote folding, accent stripping and case folding."""
    s = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return s.casefold()


@functools.lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """The lookup key of a surface form (cached: the same words recur in every article).

    Case-insensitive; curly quotes folded; accents dropped; hyphens, dashes,
    underscores and slashes read as spaces; dots dropped (``U.S.`` == ``US``);
    a final possessive ``'s`` / ``'`` stripped, then other apostrophes
    dropped; whitespace collapsed; a leading ``the`` stripped.
    """
    s = _fold(text)
    s = _SEPARATORS.sub(" ", s)
    s = _PUNCT.sub(" ", s)
    s = s.replace(".", "")
    s = " ".join(s.split())
    s = _POSSESSIVE.sub("", s)
    s = s.replace("'", "")
    s = " ".join(s.split())
    if s.startswith("the "):
        s = s[4:]
    return s


def _core_text(text: str) -> str:
    """The raw text minus a leading "the" and a final possessive (for case checks)."""
    s = text.translate(_QUOTES).strip()
    if s[:4].lower() == "the ":
        s = s[4:]
    return _POSSESSIVE.sub("", s)


# --------------------------------------------------------------------------
# codes


def resolve_sector(segments: Sequence[str]) -> str | None:
    """The PLOVER sector for a run of CAMEO three-letter sector segments.

    The first segment with a PLOVER equivalent is taken, except that a more
    specific role overrides it: LEG/JUD/COP/SPY/MIL under GOV, LEG/JUD/COP/SPY
    under MIL, and any role sector after a religion/issue/civilian segment
    (``MUSUAF`` -> UAF). Unknown segments are skipped; None if none is known.
    """
    mapped = [CAMEO_SECTOR_MAP[s] for s in segments if s in CAMEO_SECTOR_MAP]
    if not mapped:
        return None
    primary = mapped[0]
    later = mapped[1:]
    if primary == "GOV":
        for sec in later:
            if sec in _SPECIFIC_UNDER_STATE:
                return sec
    elif primary == "MIL":
        for sec in later:
            if sec in _SPECIFIC_UNDER_STATE and sec != "MIL":
                return sec
    elif primary in {"REL", "SOC", "CVL"}:
        for sec in later:
            if sec in _ROLE_SECTORS:
                return sec
    return primary


def _segments(code: str) -> list[str]:
    return [code[i : i + 3] for i in range(0, len(code), 3)]


def igo_code(code: str) -> tuple[str, str] | None:
    """The (short code, kind) of a Phoenix IGO/NGO code, by longest listed prefix."""
    for end in range(len(code), 5, -3):
        hit = PHOENIX_IGO_CODES.get(code[:end])
        if hit is not None:
            return hit
    return None


def split_code(code: str) -> tuple[str, str | None]:
    """Split a CAMEO/PETRARCH actor code into (code, PLOVER sector).

    ``CHNGOV`` -> (``CHN``, ``GOV``); ``USAGOVLEG`` -> (``USA``, ``LEG``);
    ``IGOWSTNAT`` -> (``NATO``, None); a bare or unknown code passes through
    (``ARN`` -> (``ARN``, None), ``HOBGOV`` -> (``HOBGOV``, None)).
    """
    code = code.strip().upper()
    igo = igo_code(code)
    if igo is not None:
        return igo[0], None
    if len(code) >= 6 and len(code) % 3 == 0 and code[:3] in COUNTRY_CODES:
        sector = resolve_sector(_segments(code[3:]))
        if sector is not None:
            return code[:3], sector
    return code, None


# --------------------------------------------------------------------------
# entries


@dataclass(frozen=True)
class ActorEntry:
    """One dictionary entry: a surface form and what it refers to."""

    name: str
    code: str
    sector: str | None
    kind: str
    #: All codes of a PETRARCH block with date restrictions (``[RHO <790606]``), so
    #: that a text can be coded as of its publication date (:meth:`code_on`); ``code``
    #: and ``sector`` are the ones that apply today.
    dated: tuple[DatedCode, ...] = ()

    def code_on(self, day: _dt.date) -> tuple[str, str | None]:
        """(code, sector) as of ``day``: see :func:`dated_code`."""
        found = dated_code(self.dated, day)
        return (self.code, self.sector) if found is None else found


def dated_code(codes: Sequence[DatedCode], day: _dt.date) -> tuple[str, str | None] | None:
    """(code, sector) of the code that applies on ``day``; None if ``codes`` is empty.

    The dated code whose interval holds ``day`` (the latest-starting if several), else
    the undated default, else the most recent dated one, as PETRARCH does.
    """
    chosen = _choose_code(codes, day)
    return None if chosen is None else split_code(chosen.code)


def _choose_code(codes: Sequence[DatedCode], day: _dt.date) -> DatedCode | None:
    if not codes:
        return None
    applying = [
        c
        for c in codes
        if c.dated and (c.start is None or c.start <= day) and (c.end is None or day <= c.end)
    ]
    if applying:
        return max(applying, key=lambda c: c.start or _dt.date.min)
    undated = [c for c in codes if not c.dated]
    if undated:
        return undated[-1]
    return max(codes, key=lambda c: (c.end or _dt.date.max, c.start or _dt.date.min))


# --------------------------------------------------------------------------
# line reading shared by the PETRARCH readers


Issue = Callable[[str, int, str], None]


def _raiser(filename: str, lineno: int, message: str) -> None:
    raise DictionaryError(f"{filename}:{lineno}: {message}")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return path.read_text(encoding="latin-1")
    except OSError as exc:
        raise DictionaryError(f"{path.name}: cannot read dictionary: {exc}") from exc


def _content_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) with comments removed; blank lines skipped.

    Leading whitespace is kept (it marks date-restriction lines).
    """
    in_xml = False
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace("\ufeff", "")
        if in_xml:
            end = line.find("-->")
            if end < 0:
                continue
            line = line[end + 3 :]
            in_xml = False
        # <!-- ... --> (also the sloppy "<! --"), possibly spanning lines
        while True:
            start = line.find("<!")
            if start < 0:
                break
            end = line.find("-->", start)
            if end < 0:
                line = line[:start]
                in_xml = True
                break
            line = line[:start] + " " + line[end + 3 :]
        for marker in ("#", ";"):
            cut = line.find(marker)
            if cut >= 0:
                line = line[:cut]
        if line.strip():
            yield lineno, line.rstrip()


_BRACKET = re.compile(r"\[([^\[\]]*)\]")


def _phrase(text: str) -> str:
    """A PETRARCH phrase (underscores or spaces between words) as spaced text."""
    return " ".join(text.replace("_", " ").split())


# --------------------------------------------------------------------------
# PETRARCH actors


@dataclass(frozen=True)
class DatedCode:
    """One ``[CODE restriction]`` of an actor block."""

    code: str
    start: _dt.date | None  # None: open (or undated)
    end: _dt.date | None
    dated: bool


@dataclass
class PetrarchActorBlock:
    """A primary phrase, its ``+`` synonyms and its codes, as read."""

    name: str
    lineno: int
    synonyms: list[str] = field(default_factory=list)
    codes: list[DatedCode] = field(default_factory=list)
    comment: str = ""

    @property
    def names(self) -> list[str]:
        return [self.name, *self.synonyms]

    @property
    def has_dates(self) -> bool:
        return any(c.dated for c in self.codes)

    def current_code(self, today: _dt.date | None = None) -> DatedCode | None:
        """The code that applies today, else the undated default, else the latest."""
        return _choose_code(self.codes, today or _dt.date.today())


def _parse_date(text: str) -> _dt.date | None:
    digits = text.strip()
    if not digits.isdigit():
        return None
    try:
        if len(digits) == 8:
            return _dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        if len(digits) == 6:
            yy = int(digits[:2])
            year = 2000 + yy if yy <= 30 else 1900 + yy
            return _dt.date(year, int(digits[2:4]), int(digits[4:]))
    except ValueError:
        return None
    return None


def _parse_code(body: str) -> DatedCode | str | None:
    """A bracket body -> DatedCode; None for a null code; an error message otherwise."""
    body = body.strip()
    if not body:
        return "empty code []"
    parts = body.split(None, 1)
    code = parts[0]
    restriction = parts[1].replace(" ", "") if len(parts) > 1 else ""
    if code.startswith(("<", ">")) or code[0].isdigit():
        return f"code missing before date restriction [{body}]"
    if _NULL_CODE.match(code):
        return None
    code = code.upper()
    if not restriction:
        return DatedCode(code, None, None, dated=False)
    if restriction[0] in "<>":
        day = _parse_date(restriction[1:])
        if day is None:
            return f"bad date in [{body}]"
        if restriction[0] == "<":
            return DatedCode(code, None, day, dated=True)
        return DatedCode(code, day, None, dated=True)
    if "-" in restriction:
        first, _, second = restriction.partition("-")
        start, end = _parse_date(first), _parse_date(second)
        if start is None or end is None:
            return f"bad date range in [{body}]"
        return DatedCode(code, start, end, dated=True)
    return f"bad date restriction in [{body}]"


def parse_petrarch_actors(
    text: str, filename: str, *, on_issue: Issue | None = None
) -> list[PetrarchActorBlock]:
    """Parse a PETRARCH/TABARI ``.actors`` file into blocks.

    Problems are reported through ``on_issue(filename, lineno, message)``;
    the default raises :class:`DictionaryError`. When ``on_issue`` returns,
    the offending line (or code) is skipped.
    """
    issue = on_issue or _raiser
    blocks: list[PetrarchActorBlock] = []
    current: PetrarchActorBlock | None = None
    raw_lines = text.splitlines()
    for lineno, line in _content_lines(text):
        stripped = line.strip()
        if stripped.count("[") != stripped.count("]"):
            issue(filename, lineno, f"unbalanced brackets in {stripped!r}")
            continue
        codes_text = _BRACKET.findall(stripped)
        head = _BRACKET.sub(" ", stripped).strip()
        if stripped.startswith("+"):
            if current is None:
                issue(filename, lineno, "synonym line before any actor")
                continue
            synonym = _phrase(head[1:])
            if synonym:
                current.synonyms.append(synonym)
        elif stripped.startswith("["):
            if current is None:
                issue(filename, lineno, "code line before any actor")
                continue
            if head:
                issue(filename, lineno, f"unexpected text after code: {head!r}")
                continue
        else:
            name = _phrase(head)
            if not name:
                issue(filename, lineno, f"no actor name in {stripped!r}")
                continue
            raw = raw_lines[lineno - 1]
            comment = raw.split("#", 1)[1].strip() if "#" in raw else ""
            current = PetrarchActorBlock(name=name, lineno=lineno, comment=comment)
            blocks.append(current)
        for body in codes_text:
            parsed = _parse_code(body)
            if isinstance(parsed, str):
                issue(filename, lineno, parsed)
            elif parsed is not None and current is not None:
                current.codes.append(parsed)
    return blocks


def _petrarch_actor_entries(
    blocks: Iterable[PetrarchActorBlock], *, kind_of_all: str | None = None
) -> Iterator[ActorEntry]:
    """One entry per name of each block; ``kind_of_all`` sets every entry's kind, else
    it is inferred from the block's code."""
    for block in blocks:
        chosen = block.current_code()
        if chosen is None:
            continue  # no code, or only null codes
        code, sector = split_code(chosen.code)
        igo = igo_code(chosen.code.upper())
        if kind_of_all is not None:
            kind = kind_of_all
        elif igo is not None:
            kind = igo[1]
        elif code in COUNTRY_CODES and sector is None:
            kind = "country"
        elif code.startswith("IGO"):
            kind = "igo"
        elif code.startswith("NGO"):
            kind = "ngo"
        elif block.has_dates and len(chosen.code) > 3:
            kind = "person"
        else:
            kind = "org"
        dated = tuple(block.codes) if block.has_dates else ()
        for name in block.names:
            yield ActorEntry(name=_title(name), code=code, sector=sector, kind=kind, dated=dated)


def _title(name: str) -> str:
    """PETRARCH phrases are upper case by convention: "AL-QAEDA" -> "Al-Qaeda".

    (Upper case would read as an acronym to the common-word case rule.)
    """
    if name != name.upper():
        return name
    return "-".join(
        " ".join(w[:1].upper() + w[1:].lower() for w in part.split(" ")) for part in name.split("-")
    )


# --------------------------------------------------------------------------
# PETRARCH agents


_SUBST_DEF = re.compile(r"^\s*(![A-Za-z0-9_]+!)\s*=\s*(.+)$")
_MARKER = re.compile(r"![A-Za-z0-9_]+!")
_PREPOSITIONS = frozenset({"of", "for", "to", "at", "in", "on", "from", "with"})
# already plural, uncountable, or adjectives used as nouns
_NO_PLURAL_ENDINGS = (
    "police", "people", "personnel", "staff", "media", "clergy", "men", "children", "ed",
    "ese", "press",
)  # fmt: skip


def plural_of(phrase: str) -> str | None:
    """Regular English plural of a (lower-case, spaced) noun phrase.

    The noun before the first preposition is inflected ("chief of staff" ->
    "chiefs of staff"), otherwise the last word. None when the phrase
    already looks plural or uninflectable.
    """
    words = phrase.split()
    if not words:
        return None
    idx = len(words) - 1
    for i, word in enumerate(words[1:], start=1):
        if word in _PREPOSITIONS:
            idx = i - 1
            break
    word = words[idx]
    if not word.isalpha() or word.endswith(_NO_PLURAL_ENDINGS):
        return None
    if word.endswith("person"):
        plural = word[: -len("person")] + "people"
    elif word.endswith("man") and not word.endswith(("human", "german", "roman", "shaman")):
        plural = word[:-3] + "men"
    elif word.endswith("child"):
        plural = word + "ren"
    elif word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        plural = word[:-1] + "ies"
    elif word.endswith(("s", "x", "z", "ch", "sh")):
        if word.endswith(("ss", "x", "z", "ch", "sh")):
            plural = word + "es"
        else:
            return None  # already plural (or uncountable)
    else:
        plural = word + "s"
    return " ".join([*words[:idx], plural, *words[idx + 1 :]])


def parse_petrarch_agents(
    text: str, filename: str, *, on_issue: Issue | None = None
) -> list[tuple[str, str, int]]:
    """Parse a PETRARCH ``.agents`` file into (phrase, raw code, line) triples.

    Phrases are lower case with spaces; substitution markers are expanded
    and plurals generated (irregular ones from ``{...}``, none for ``{}``).
    The raw code keeps its ``~``.
    """
    issue = on_issue or _raiser
    substitutions: dict[str, list[str]] = {}
    out: list[tuple[str, str, int]] = []
    for lineno, line in _content_lines(text):
        stripped = line.strip()
        definition = _SUBST_DEF.match(stripped)
        if definition:
            items = [_phrase(x).lower() for x in definition.group(2).split(",")]
            substitutions[definition.group(1).upper()] = [x for x in items if x]
            continue
        if stripped.count("[") != 1 or stripped.count("]") != 1:
            issue(filename, lineno, f"expected one [CODE] in {stripped!r}")
            continue
        head, _, rest = stripped.partition("[")
        body, _, tail = rest.partition("]")
        if tail.strip():
            issue(filename, lineno, f"unexpected text after code: {tail.strip()!r}")
            continue
        code = body.replace(" ", "").upper()
        if not code or "~" not in code or not code.replace("~", "").isalnum():
            issue(filename, lineno, f"bad agent code [{body}]")
            continue
        plurals: list[str] | None = None
        if "{" in head:
            phrase_text, _, brace = head.partition("{")
            inner, _, after = brace.partition("}")
            if "}" not in brace or after.strip():
                issue(filename, lineno, f"bad plural block in {stripped!r}")
                continue
            plurals = [_phrase(p).lower() for p in inner.split()]
        else:
            phrase_text = head
        phrase_raw = phrase_text.strip()
        if not phrase_raw:
            issue(filename, lineno, f"no agent phrase in {stripped!r}")
            continue
        markers = _MARKER.findall(phrase_raw)
        if markers:
            expansions = [phrase_raw]
            for marker in markers:
                values = substitutions.get(marker.upper())
                if values is None:
                    issue(filename, lineno, f"undefined substitution marker {marker}")
                    expansions = []
                    break
                # a marker glued to a word ("CONGRESS!PERSON!") stays glued
                expansions = [
                    e.replace(marker, v.replace(" ", "_"), 1) for e in expansions for v in values
                ]
            for expanded in expansions:
                out.append((_phrase(expanded).lower(), code, lineno))
            continue
        phrase = _phrase(phrase_raw).lower()
        out.append((phrase, code, lineno))
        if plurals is None:
            if not phrase_raw.endswith("_"):
                plural = plural_of(phrase)
                if plural:
                    out.append((plural, code, lineno))
        else:
            out.extend((p, code, lineno) for p in plurals if p)
    return out


def agent_sector(code: str) -> str | None:
    """PLOVER sector of a PETRARCH agent code (``~GOVFRM`` -> GOV, ``NGO~`` -> SOC).

    Unknown (fictional) codes pass through; ``IGO~``-style codes without a
    sector equivalent give None.
    """
    raw = code.replace("~", "").strip().upper()
    if not raw:
        return None
    sector = resolve_sector(_segments(raw))
    if sector is not None:
        return sector
    if code.strip().endswith("~"):
        return None  # a primary code (IGO~, MNC~): not a sector
    return raw


# --------------------------------------------------------------------------
# project TSV files


def _tsv_rows(text: str, filename: str, header: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    seen_header = False
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace("\ufeff", "").rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if not seen_header:
            if tuple(c.lower() for c in cols) != header:
                raise DictionaryError(
                    f"{filename}:{lineno}: expected header {'<TAB>'.join(header)!r}"
                )
            seen_header = True
            continue
        if len(cols) != len(header):
            raise DictionaryError(
                f"{filename}:{lineno}: expected {len(header)} tab-separated columns, "
                f"got {len(cols)}"
            )
        yield lineno, cols
    if not seen_header:
        raise DictionaryError(f"{filename}:1: empty dictionary (no header line)")


def read_actor_tsv(text: str, filename: str) -> list[ActorEntry]:
    """Rows of a project ``actors.tsv``; raises DictionaryError on a bad row."""
    entries: list[ActorEntry] = []
    for lineno, (name, code, sector, kind) in _tsv_rows(text, filename, ACTOR_HEADER):
        where = f"{filename}:{lineno}"
        if not normalize(name):
            raise DictionaryError(f"{where}: empty name")
        if not _CODE_SHAPE.match(code):
            raise DictionaryError(f"{where}: bad code {code!r}")
        if sector and not _SECTOR_SHAPE.match(sector):
            raise DictionaryError(f"{where}: bad sector {sector!r}")
        if kind not in KINDS:
            raise DictionaryError(f"{where}: unknown kind {kind!r}")
        entries.append(ActorEntry(name=name, code=code, sector=sector or None, kind=kind))
    return entries


def read_agent_tsv(text: str, filename: str) -> list[tuple[str, str]]:
    """Rows of a project ``agents.tsv``; raises DictionaryError on a bad row."""
    rows: list[tuple[str, str]] = []
    for lineno, (noun, sector) in _tsv_rows(text, filename, AGENT_HEADER):
        where = f"{filename}:{lineno}"
        if not normalize(noun):
            raise DictionaryError(f"{where}: empty noun")
        if not _SECTOR_SHAPE.match(sector):
            raise DictionaryError(f"{where}: bad sector {sector!r}")
        rows.append((noun, sector))
    return rows


def _first_content_line(text: str) -> str:
    for raw in text.splitlines():
        line = raw.replace("\ufeff", "").strip()
        if line and not line.startswith("#"):
            return line
    return ""


def _is_tsv(text: str, header: tuple[str, ...]) -> bool:
    cols = tuple(c.strip().lower() for c in _first_content_line(text).split("\t"))
    return cols == header


def dictionary_kind(text: str) -> str:
    """What a dictionary file holds: ``actors``, ``agents``, ``verbs`` or ``unknown``.

    Project TSV files by their header; PETRARCH files by their shape (verb files have
    ``---  VERB  [code]  ---`` blocks; agent codes carry a ``~``, actor codes do not).
    """
    lines = [line.strip() for _, line in _content_lines(text)]
    if not lines:
        return "unknown"
    header = tuple(c.strip().lower() for c in lines[0].split("\t"))
    if header == ACTOR_HEADER:
        return "actors"
    if header == AGENT_HEADER:
        return "agents"
    if sum(1 for line in lines if line.startswith("---") and line.endswith("---")) >= 2:
        return "verbs"
    codes = [body for line in lines for body in _BRACKET.findall(line)]
    if not codes:
        return "unknown"
    with_tilde = sum(1 for c in codes if "~" in c)
    return "agents" if with_tilde * 2 >= len(codes) else "actors"


def _load_actor_file(path: Path) -> list[ActorEntry]:
    text = _read_text(path)
    if _is_tsv(text, ACTOR_HEADER) or path.suffix.lower() == ".tsv":
        return read_actor_tsv(text, path.name)
    return list(_petrarch_actor_entries(parse_petrarch_actors(text, path.name)))


def _load_agent_file(path: Path) -> list[tuple[str, str]]:
    text = _read_text(path)
    if _is_tsv(text, AGENT_HEADER) or path.suffix.lower() == ".tsv":
        return read_agent_tsv(text, path.name)
    rows: list[tuple[str, str]] = []
    for phrase, code, _lineno in parse_petrarch_agents(text, path.name):
        sector = agent_sector(code)
        if sector is not None:
            rows.append((phrase, sector))
    return rows


# --------------------------------------------------------------------------
# the gazetteer

_CASE_ANY, _CASE_CAPITALISED, _CASE_UPPER = 0, 1, 2


def _case_rule(entry: ActorEntry, key: str) -> int:
    if key not in COMMON_WORDS:
        return _CASE_ANY
    letters = [ch for ch in entry.name if ch.isalpha()]
    if len(letters) <= 6 and " " not in entry.name.strip() and all(ch.isupper() for ch in letters):
        return _CASE_UPPER
    return _CASE_CAPITALISED


def _case_ok(rule: int, raw: str) -> bool:
    if rule == _CASE_ANY:
        return True
    core = _core_text(raw)
    if rule == _CASE_UPPER:
        return core == core.upper()
    return core != core.lower()


def _is_clitic(token: str) -> bool:
    return token.translate(_QUOTES).startswith("'")


def _join_tokens(tokens: Sequence[str]) -> str:
    """Token texts as a string: clitics ('s, n't) glued to the previous token."""
    out = ""
    for tok in tokens:
        folded = tok.translate(_QUOTES)
        if out and (folded.startswith("'") or folded in {".", ","}):
            out += tok
        else:
            out = f"{out} {tok}" if out else tok
    return out


class Gazetteer:
    """Surface form -> :class:`ActorEntry`, role noun -> sector."""

    def __init__(
        self,
        actors: Iterable[ActorEntry] = (),
        agents: Iterable[tuple[str, str]] = (),
    ) -> None:
        self._actors: dict[str, ActorEntry] = {}
        self._case: dict[str, int] = {}
        self._prefixes: set[str] = set()
        self._max_words = 0
        self._agents: dict[str, str] = {}
        self.add_actors(actors)
        self.add_agents(agents)

    # -- construction ------------------------------------------------------

    def add_actors(self, entries: Iterable[ActorEntry], *, replace: bool = True) -> None:
        """Add entries; a later entry for the same normalised name replaces the earlier
        (unless ``replace`` is False: then the earlier one stays)."""
        for entry in entries:
            key = normalize(entry.name)
            if not key or (not replace and key in self._actors):
                continue
            self._actors[key] = entry
            self._case[key] = max(self._case.get(key, _CASE_ANY), _case_rule(entry, key))
            words = key.split()
            self._max_words = max(self._max_words, len(words))
            for i in range(1, len(words) + 1):
                self._prefixes.add(" ".join(words[:i]))

    def add_agents(self, rows: Iterable[tuple[str, str]]) -> None:
        """Add (noun, sector) rows; later rows replace earlier ones."""
        for noun, sector in rows:
            key = normalize(noun)
            if key:
                self._agents[key] = sector

    @classmethod
    def default(cls) -> Gazetteer:
        """The shipped ``actors.tsv``, ``persons.actors`` and ``agents.tsv`` (cached per
        process)."""
        return _default_gazetteer()

    @classmethod
    def load(
        cls,
        actor_files: Sequence[Path] = (),
        agent_files: Sequence[Path] = (),
        *,
        include_default: bool = True,
    ) -> Gazetteer:
        """The shipped dictionaries (unless ``include_default`` is False) plus user files.

        Each file is a project TSV (recognised by its header, or a ``.tsv``
        suffix) or a PETRARCH ``.actors`` / ``.agents`` file. Files are applied
        in order, so user entries override the defaults on conflict.
        """
        gaz = cls()
        if include_default:
            gaz.add_actors(read_actor_tsv(_read_text(DATA_DIR / "actors.tsv"), "actors.tsv"))
            gaz.add_actors(_default_persons(), replace=False)
            gaz.add_agents(read_agent_tsv(_read_text(DATA_DIR / "agents.tsv"), "agents.tsv"))
        for path in actor_files:
            # A role-noun file among the actor files (one setting lists both) is read as one.
            if dictionary_kind(_read_text(Path(path))) == "agents":
                gaz.add_agents(_load_agent_file(Path(path)))
            else:
                gaz.add_actors(_load_actor_file(Path(path)))
        for path in agent_files:
            gaz.add_agents(_load_agent_file(Path(path)))
        return gaz

    # -- queries -----------------------------------------------------------

    def lookup(self, text: str) -> ActorEntry | None:
        """The entry whose normalised name equals the normalised ``text``, or None.

        Case-insensitive except for the common-word rule (module docstring):
        ``lookup("us")`` and ``lookup("Who")`` are None.
        """
        key = normalize(text)
        entry = self._actors.get(key)
        if entry is None or not _case_ok(self._case[key], text):
            return None
        return entry

    def longest_match(self, tokens: Sequence[str], start: int) -> tuple[int, ActorEntry] | None:
        """The longest entry starting at ``tokens[start]``, as (token count, entry).

        ``tokens`` are token texts as spaCy splits them ("U.S.", "'s", "-").
        A leading "the" is part of the match ("the United States" -> 3). A
        span never ends on a token that adds nothing (a possessive "'s").
        """
        if start < 0 or start >= len(tokens):
            return None
        best: tuple[int, ActorEntry] | None = None
        limit = min(len(tokens), start + 2 * self._max_words + 2)
        for end in range(start + 1, limit + 1):
            raw = _join_tokens(tokens[start:end])
            key = normalize(raw)
            if not key or key == "the":
                continue
            if key not in self._prefixes:
                # "People" + "'s" + "Republic": the possessive is only glued on later
                if end < len(tokens) and _is_clitic(tokens[end]):
                    continue
                if _is_clitic(tokens[end - 1]):
                    continue
                break
            last = normalize(tokens[end - 1])
            if not last or last == "s":
                continue
            entry = self._actors.get(key)
            if entry is not None and _case_ok(self._case[key], raw):
                best = (end - start, entry)
        return best

    def may_start(self, token: str) -> bool:
        """Whether an entry (or "the" before one) can start with this token text.

        A cheap test before :meth:`longest_match`.
        """
        key = normalize(token)
        return key == "the" or key in self._prefixes

    def sector_of(self, noun: str) -> str | None:
        """Sector of a role noun (lemma or text, multi-word ok).

        Falls back to dropping leading words ("deputy foreign minister" ->
        "foreign minister" -> GOV).
        """
        words = normalize(noun).split()
        for i in range(len(words)):
            sector = self._agents.get(" ".join(words[i:]))
            if sector is not None:
                return sector
        return None

    def entries(self) -> list[ActorEntry]:
        """All actor entries (one per normalised name)."""
        return list(self._actors.values())

    def agents(self) -> dict[str, str]:
        """All role nouns (normalised) and their sectors."""
        return dict(self._agents)

    def __len__(self) -> int:
        """The number of distinct (normalised) actor names."""
        return len(self._actors)

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and self.lookup(text) is not None


@functools.cache
def _default_persons() -> tuple[ActorEntry, ...]:
    """The shipped ``persons.actors`` (every block a person, dated codes kept), read once
    per process: user dictionaries make new gazetteers, never new persons."""
    blocks = parse_petrarch_actors(_read_text(DATA_DIR / "persons.actors"), "persons.actors")
    return tuple(_petrarch_actor_entries(blocks, kind_of_all="person"))


@functools.cache
def _default_gazetteer() -> Gazetteer:
    return Gazetteer.load()
