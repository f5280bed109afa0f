"""Tests of the actor gazetteer and its shipped dictionaries."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from processors.errors import DictionaryError
from processors.gazetteer import (
    DATA_DIR,
    KINDS,
    PLOVER_SECTORS,
    ActorEntry,
    DatedCode,
    Gazetteer,
    dated_code,
    normalize,
    read_actor_tsv,
    read_agent_tsv,
    split_code,
)

REPO = Path(__file__).resolve().parents[1]
# The shared/ folder sits beside the repository, on developer machines and in CI.
SHARED = Path(os.environ.get("STANCEWATCH_SHARED", REPO.parent / "shared"))
PETRARCH_DICTS = SHARED / "eval" / "petrarch_unit_dictionaries"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


@pytest.fixture(scope="module")
def petrarch_dicts() -> Path:
    assert (PETRARCH_DICTS / "PETR.Validate.actors.txt").is_file(), (
        f"PETRARCH validation dictionaries not found under {PETRARCH_DICTS} "
        "(set STANCEWATCH_SHARED to the shared/ folder)"
    )
    return PETRARCH_DICTS


# --------------------------------------------------------------------------
# lookups the monitor depends on


@pytest.mark.parametrize(
    ("text", "code", "kind"),
    [
        ("China", "CHN", "country"),
        ("Chinese", "CHN", "demonym"),
        ("Beijing", "CHN", "capital"),
        ("Moscow", "RUS", "capital"),
        ("the Kremlin", "RUS", "metonym"),
        ("Kremlin", "RUS", "metonym"),
        ("Russian", "RUS", "demonym"),
        ("Washington", "USA", "capital"),
        ("U.S.", "USA", "country"),
        ("US", "USA", "country"),
        ("United States", "USA", "country"),
        ("the United States", "USA", "country"),
        ("America", "USA", "country"),
        ("Kyiv", "UKR", "capital"),
        ("Kiev", "UKR", "capital"),
        ("Ukrainian", "UKR", "demonym"),
        ("NATO", "NATO", "igo"),
        ("Nato", "NATO", "igo"),
        ("the U.N.", "UN", "igo"),
        ("United Nations", "UN", "igo"),
        ("European Union", "EU", "igo"),
        ("EU", "EU", "igo"),
        ("Hungarian", "HUN", "demonym"),
        ("Romanian", "ROU", "demonym"),
        ("Tokyo", "JPN", "capital"),
        ("Britain", "GBR", "country"),
        ("U.K.", "GBR", "country"),
        ("Downing Street", "GBR", "metonym"),
        ("Pyongyang", "PRK", "capital"),
        ("Tehran", "IRN", "capital"),
        ("Jerusalem", "ISR", "capital"),
        ("Ankara", "TUR", "capital"),
        ("Brussels", "BEL", "capital"),
        ("Amnesty International", "AMNESTY", "ngo"),
        ("Human Rights Watch", "HRW", "ngo"),
        ("WHO", "WHO", "igo"),
        ("IAEA", "IAEA", "igo"),
        ("Hamas", "PSE", "org"),
    ],
)
def test_lookup_codes(gaz: Gazetteer, text: str, code: str, kind: str) -> None:
    entry = gaz.lookup(text)
    assert entry is not None, text
    assert (entry.code, entry.kind) == (code, kind)


@pytest.mark.parametrize(
    ("text", "code", "sector"),
    [
        ("Vladimir Putin", "RUS", "GOV"),
        ("Putin", "RUS", "GOV"),
        ("Wang Yi", "CHN", "GOV"),
        ("Xi Jinping", "CHN", "GOV"),
        ("Volodymyr Zelenskyy", "UKR", "GOV"),
        ("Zelensky", "UKR", "GOV"),
        ("Donald Trump", "USA", "GOV"),
        ("Kim Jong Un", "PRK", "GOV"),
        ("Recep Tayyip Erdogan", "TUR", "GOV"),
    ],
)
def test_lookup_persons(gaz: Gazetteer, text: str, code: str, sector: str) -> None:
    entry = gaz.lookup(text)
    assert entry is not None, text
    assert (entry.code, entry.sector, entry.kind) == (code, sector, "person")


def test_the_kremlin_is_government(gaz: Gazetteer) -> None:
    entry = gaz.lookup("the Kremlin")
    assert entry is not None and entry.sector == "GOV"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("THE UNITED STATES", "USA"),
        ("the  United\tStates", "USA"),
        ("U.S", "USA"),
        ("China\u2019s", "CHN"),
        ("China's", "CHN"),
        ("Russia\u2019s", "RUS"),
        ("Kim Jong-un", "PRK"),
        ("Kim Jong\u2013un", "PRK"),
        ("C\u00f4te d\u2019Ivoire", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("Erdoğan", "TUR"),
        ("Guinea Bissau", "GNB"),
        ("Guinea-Bissau", "GNB"),
        ("the White House's", "USA"),
    ],
)
def test_lookup_normalisation(gaz: Gazetteer, text: str, code: str) -> None:
    entry = gaz.lookup(text)
    assert entry is not None, text
    assert entry.code == code


@pytest.mark.parametrize(
    "text",
    ["us", "Us", "who", "Who", "un", "turkey", "china", "polish", "the West", "Europe", "", "the"],
)
def test_common_words_and_regions_do_not_match(gaz: Gazetteer, text: str) -> None:
    assert gaz.lookup(text) is None


def test_phoenix_persons_keep_their_country_but_not_a_stale_office(gaz: Gazetteer) -> None:
    """Phoenix (2014) lists Karzai as Afghanistan's government with no end date: he is
    AFG, in government as of 2005 and not after the dictionary's last update."""
    karzai = gaz.lookup("Hamid Karzai")
    assert karzai is not None and karzai.kind == "person"
    assert (karzai.code, karzai.sector) == ("AFG", "ELI")  # today
    assert karzai.code_on(dt.date(2005, 6, 1)) == ("AFG", "GOV")
    assert karzai.code_on(dt.date(2020, 6, 1)) == ("AFG", "ELI")
    clinton = gaz.lookup("President Bill Clinton")
    assert clinton is not None
    assert clinton.code_on(dt.date(1995, 1, 1)) == ("USA", "GOV")
    assert (clinton.code, clinton.sector) == ("USA", "ELI")
    # the curated office-holders of 2026 win over Phoenix's entries
    putin = gaz.lookup("Vladimir Putin")
    assert putin is not None and (putin.code, putin.sector, putin.dated) == ("RUS", "GOV", ())


def test_phoenix_one_word_person_names_are_left_out(gaz: Gazetteer) -> None:
    """ "Hassan" and "Hussein" name a dozen people in Phoenix (Saddam Hussein is not
    Jordan's king): only names of two words or more are kept."""
    for name in ["Hassan", "Hussein", "Assad", "Karzai"]:
        assert gaz.lookup(name) is None, name


# --------------------------------------------------------------------------
# longest_match


def test_longest_match_the_united_states(gaz: Gazetteer) -> None:
    tokens = ["the", "United", "States", "said"]
    match = gaz.longest_match(tokens, 0)
    assert match is not None
    assert match[0] == 3 and match[1].code == "USA"
    inner = gaz.longest_match(tokens, 1)
    assert inner is not None and inner[0] == 2 and inner[1].code == "USA"
    assert gaz.longest_match(tokens, 3) is None


def test_longest_match_prefers_longer(gaz: Gazetteer) -> None:
    match = gaz.longest_match(["United", "States", "of", "America", "today"], 0)
    assert match is not None and match[0] == 4 and match[1].code == "USA"
    match = gaz.longest_match(["Vladimir", "Putin", "said"], 0)
    assert match is not None and match[0] == 2 and match[1].kind == "person"


def test_longest_match_inside_noun_phrase(gaz: Gazetteer) -> None:
    tokens = ["China", "'s", "foreign", "ministry", "spokesperson"]
    match = gaz.longest_match(tokens, 0)
    assert match is not None and match[0] == 1 and match[1].code == "CHN"
    assert gaz.longest_match(tokens, 2) is None
    assert gaz.sector_of(" ".join(tokens[2:])) == "GOV"


def test_longest_match_spacy_tokens(gaz: Gazetteer) -> None:
    match = gaz.longest_match(["People", "'s", "Republic", "of", "China", "said"], 0)
    assert match is not None and match[0] == 5 and match[1].code == "CHN"
    match = gaz.longest_match(["Kim", "Jong", "-", "un", "said"], 0)
    assert match is not None and match[0] == 4 and match[1].code == "PRK"
    match = gaz.longest_match(["Washington", ",", "D.C."], 0)
    assert match is not None and match[0] == 3 and match[1].code == "USA"
    match = gaz.longest_match(["the", "U.S.", "and", "NATO"], 0)
    assert match is not None and match[0] == 2 and match[1].code == "USA"
    match = gaz.longest_match(["the", "U.S.", "and", "NATO"], 3)
    assert match is not None and match[0] == 1 and match[1].code == "NATO"


def test_longest_match_respects_case_of_common_words(gaz: Gazetteer) -> None:
    assert gaz.longest_match(["they", "told", "us", "that"], 2) is None
    assert gaz.longest_match(["Who", "said", "it"], 0) is None
    match = gaz.longest_match(["the", "WHO", "said"], 0)
    assert match is not None and match[1].code == "WHO"


def test_longest_match_out_of_range(gaz: Gazetteer) -> None:
    assert gaz.longest_match([], 0) is None
    assert gaz.longest_match(["China"], 1) is None
    assert gaz.longest_match(["China"], -1) is None


# --------------------------------------------------------------------------
# sectors


@pytest.mark.parametrize(
    ("noun", "sector"),
    [
        ("spokesperson", "GOV"),
        ("spokesman", "GOV"),
        ("spokeswomen", "GOV"),
        ("foreign ministry", "GOV"),
        ("prime minister", "GOV"),
        ("ambassador", "GOV"),
        ("troops", "MIL"),
        ("soldiers", "MIL"),
        ("army", "MIL"),
        ("air force", "MIL"),
        ("security forces", "MIL"),
        ("rebels", "REB"),
        ("insurgents", "REB"),
        ("militants", "REB"),
        ("police", "COP"),
        ("Police", "COP"),
        ("opposition", "OPP"),
        ("protesters", "CVL"),
        ("lawmakers", "LEG"),
        ("judge", "JUD"),
        ("journalists", "JRN"),
        ("refugees", "REF"),
        ("deputy foreign minister", "GOV"),
        ("the government", "GOV"),
    ],
)
def test_sector_of(gaz: Gazetteer, noun: str, sector: str) -> None:
    assert gaz.sector_of(noun) == sector


def test_sector_of_unknown(gaz: Gazetteer) -> None:
    assert gaz.sector_of("banana") is None
    assert gaz.sector_of("") is None


# --------------------------------------------------------------------------
# codes


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("CHNGOV", ("CHN", "GOV")),
        ("RUSMIL", ("RUS", "MIL")),
        ("USAGOVLEG", ("USA", "LEG")),
        ("PSEREBHMS", ("PSE", "REB")),
        ("ISRMED", ("ISR", "JRN")),
        ("IGOUNO", ("UN", None)),
        ("IGOWSTNAT", ("NATO", None)),
        ("IGOUNOHLHWHO", ("WHO", None)),
        ("CHN", ("CHN", None)),
        ("ARN", ("ARN", None)),
        ("HOBGOV", ("HOBGOV", None)),
        ("pse", ("PSE", None)),
    ],
)
def test_split_code(code: str, expected: tuple[str, str | None]) -> None:
    assert split_code(code) == expected


def test_normalize() -> None:
    assert normalize("U.S.") == normalize("US") == "us"
    assert normalize("The  Hague") == "hague"
    assert normalize("Kim Jong-un") == "kim jong un"
    assert normalize("Russia\u2019s") == "russia"


# --------------------------------------------------------------------------
# user dictionaries: PETRARCH validation suite (fictional codes pass through)


def test_petrarch_validation_actors(petrarch_dicts: Path) -> None:
    gaz = Gazetteer.load([petrarch_dicts / "PETR.Validate.actors.txt"], include_default=False)
    expected = {
        "Arnor": ("ARN", None),
        "Gondor": ("GON", None),
        "Minas Tirith": ("GON", None),  # a + synonym shares the block's code
        "Mordor": ("MOR", None),
        "Barad-dur": ("MOR", None),
        "Eriador": ("ERI", None),
        "Cirith Ungol": ("MORMIL", None),
        "Hamas": ("PSE", "REB"),
        "Israeli troops": ("ISR", "MIL"),
        "White House": ("USA", "GOV"),
        "Palestinian": ("PAL", None),  # PALESTINE's +synonym overrides the earlier [pse]
        "Gollum": ("HOBREB", None),  # [HOBREB > 990816] is the one that applies now
        "Smeagol": ("HOBREB", None),
        "Sam Gamgee": ("HOBELI", None),
        "Zimbabwe": ("ZBW", None),  # the undated code beats the expired [RHO <790606]
        "Hamfast Gamgee": ("HOB", None),
        "USSR": ("USR", None),  # only a dated code, long expired: the latest is used
        "Interpol": ("INTERPOL", None),
    }
    for name, (code, sector) in expected.items():
        entry = gaz.lookup(name)
        assert entry is not None, name
        assert (entry.code, entry.sector) == (code, sector), name
    assert gaz.lookup("Boromir") is None  # [---] is a null code
    assert gaz.lookup("Isildur") is None  # [+++] too
    assert gaz.lookup("China") is None  # defaults left out
    assert len(gaz) > 100


def test_dated_codes_apply_as_of_a_day(petrarch_dicts: Path) -> None:
    """An entry with date restrictions keeps all its codes: a text is coded as of its
    publication date, an undated default applies outside every interval."""
    gaz = Gazetteer.load([petrarch_dicts / "PETR.Validate.actors.txt"], include_default=False)
    zimbabwe = gaz.lookup("Zimbabwe")  # [RHO <790606] [ZBW]
    assert zimbabwe is not None and len(zimbabwe.dated) == 2
    assert zimbabwe.code_on(dt.date(1978, 12, 23)) == ("RHO", None)
    assert zimbabwe.code_on(dt.date(1979, 6, 7)) == ("ZBW", None)
    sam = gaz.lookup("Sam Gamgee")  # nested intervals: the latest-starting one applies
    assert sam is not None
    assert sam.code_on(dt.date(2010, 1, 9)) == ("ORCHOB", None)
    assert sam.code_on(dt.date(2010, 1, 13)) == ("HOBMIL", None)
    hamfast = gaz.lookup("Hamfast Gamgee")  # [HOB] [HOBGOV 20121109-20130119]
    assert hamfast is not None and hamfast.code_on(dt.date(1995, 1, 4)) == ("HOB", None)
    arnor = gaz.lookup("Arnor")  # no dates: its one code, whatever the day
    assert arnor is not None and arnor.dated == ()
    assert arnor.code_on(dt.date(1900, 1, 1)) == ("ARN", None)
    chn = [DatedCode("CHNGOV", None, dt.date(2000, 1, 1), True)]
    assert dated_code(chn, dt.date(1999, 1, 1)) == ("CHN", "GOV")  # split as any code
    assert dated_code([], dt.date(1999, 1, 1)) is None


def test_petrarch_validation_overrides_defaults(petrarch_dicts: Path) -> None:
    default_len = len(Gazetteer.default())
    gaz = Gazetteer.load([petrarch_dicts / "PETR.Validate.actors.txt"])
    japan = gaz.lookup("Japan")
    assert japan is not None and japan.code == "JAP"  # the user's (fictional) code wins
    china = gaz.lookup("China")
    assert china is not None and china.code == "CHN"  # untouched default
    arnor = gaz.lookup("Arnor")
    assert arnor is not None and arnor.code == "ARN"
    assert len(gaz) > default_len
    assert Gazetteer.default().lookup("Japan") == ActorEntry("Japan", "JPN", None, "country")


def test_petrarch_validation_agents(petrarch_dicts: Path) -> None:
    gaz = Gazetteer.load(
        agent_files=[petrarch_dicts / "PETR.Validate.agents.txt"], include_default=False
    )
    assert gaz.sector_of("foreign minister") == "GOV"  # ~GOVFRM
    assert gaz.sector_of("sailors") == "MIL"  # generated plural of SAILOR [~MILNAV]
    assert gaz.sector_of("congresswomen") == "LEG"  # CONGRESS!PERSON!
    assert gaz.sector_of("ministries of silly walks") == "GOV"  # !MINST!_OF_SILLY_WALKS
    assert gaz.sector_of("newspaper") == "JRN"  # CAMEO MED is PLOVER JRN
    assert gaz.sector_of("golden geese") == "GGS"  # irregular plural, fictional code
    assert gaz.sector_of("troopss") is None
    assert gaz.sector_of("police") == "COP"  # [ ~COP] with a stray space
    assert gaz.sector_of("spokesperson") is None  # defaults left out


# --------------------------------------------------------------------------
# malformed user files


def test_malformed_tsv_reports_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(
        "# my actors\nname\tcode\tsector\tkind\nGondor\tGON\t\tcountry\nRohan\tROH\n",
        encoding="utf-8",
    )
    with pytest.raises(DictionaryError, match=r"bad\.tsv:4:"):
        Gazetteer.load([bad])


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Gondor\tGON\t\tkingdom", "unknown kind"),
        ("Gondor\tgon dor\t\tcountry", "bad code"),
        ("Gondor\tGON\tGOVERNMENT\tcountry", "bad sector"),
        ("\tGON\t\tcountry", "empty name"),
    ],
)
def test_malformed_tsv_rows(tmp_path: Path, row: str, message: str) -> None:
    bad = tmp_path / "actors.tsv"
    bad.write_text(f"name\tcode\tsector\tkind\n{row}\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match=rf"actors\.tsv:2: {message}"):
        Gazetteer.load([bad], include_default=False)


def test_tsv_without_header(tmp_path: Path) -> None:
    bad = tmp_path / "mine.tsv"
    bad.write_text("Gondor\tGON\t\tcountry\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match=r"mine\.tsv:1: expected header"):
        Gazetteer.load([bad])


def test_malformed_petrarch_actors(tmp_path: Path) -> None:
    bad = tmp_path / "mine.actors.txt"
    bad.write_text("GONDOR [GON]\n+MINAS_TIRITH\nROHAN\n\t[ROH 99x-0101]\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match=r"mine\.actors\.txt:4: bad date"):
        Gazetteer.load([bad])
    orphan = tmp_path / "orphan.actors.txt"
    orphan.write_text("# comment\n+MINAS_TIRITH\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match=r"orphan\.actors\.txt:2: synonym line"):
        Gazetteer.load([orphan])


def test_malformed_petrarch_agents(tmp_path: Path) -> None:
    bad = tmp_path / "mine.agents.txt"
    bad.write_text("SOLDIER [~MIL]\nISLAMIC_EXTREMIST\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match=r"mine\.agents\.txt:2:"):
        Gazetteer.load(agent_files=[bad])


def test_missing_file_is_a_dictionary_error(tmp_path: Path) -> None:
    with pytest.raises(DictionaryError, match=r"nope\.tsv"):
        Gazetteer.load([tmp_path / "nope.tsv"])


def test_user_tsv_overrides_default(tmp_path: Path) -> None:
    mine = tmp_path / "mine.txt"  # recognised by its header, whatever the name
    mine.write_text(
        "# Brussels as the EU, for an EU-only feed\n"
        "name\tcode\tsector\tkind\n"
        "Brussels\tEU\t\tmetonym\n"
        "Gondor\tGON\tGOV\torg\n",
        encoding="utf-8",
    )
    agents = tmp_path / "roles.tsv"
    agents.write_text("noun\tsector\nsteward\tGOV\nstewards\tGOV\n", encoding="utf-8")
    gaz = Gazetteer.load([mine], [agents])
    assert gaz.lookup("Brussels") == ActorEntry("Brussels", "EU", None, "metonym")
    assert gaz.lookup("Gondor") == ActorEntry("Gondor", "GON", "GOV", "org")
    assert gaz.sector_of("stewards") == "GOV"
    assert gaz.sector_of("troops") == "MIL"  # defaults still there


# --------------------------------------------------------------------------
# the shipped files


def _shipped_actors() -> list[ActorEntry]:
    return read_actor_tsv((DATA_DIR / "actors.tsv").read_text(encoding="utf-8"), "actors.tsv")


def test_default_is_cached() -> None:
    assert Gazetteer.default() is Gazetteer.default()


def test_shipped_actors_have_no_conflicting_duplicates() -> None:
    codes: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
    for entry in _shipped_actors():
        codes[normalize(entry.name)].add((entry.code, entry.sector))
    conflicts = {name: sorted(map(str, c)) for name, c in codes.items() if len(c) > 1}
    assert not conflicts


def test_shipped_actors_are_well_formed() -> None:
    entries = _shipped_actors()
    assert 2000 < len(entries) < 6000
    assert {e.kind for e in entries} == KINDS
    assert all(e.sector is None or e.sector in PLOVER_SECTORS for e in entries)
    country_codes = {e.code for e in entries if e.kind == "country"}
    assert len(country_codes) >= 195
    assert {"CHN", "RUS", "UKR", "USA", "GBR", "HUN", "ROU", "JPN", "KOS", "PSE"} <= country_codes
    # every country has a capital or is a city-state / has none listed on purpose
    assert len({e.code for e in entries if e.kind == "capital"}) >= 185
    assert len({e.code for e in entries if e.kind == "demonym"}) >= 185


def test_shipped_agents_are_well_formed() -> None:
    rows = read_agent_tsv((DATA_DIR / "agents.tsv").read_text(encoding="utf-8"), "agents.tsv")
    assert len(rows) > 1000
    assert {sector for _noun, sector in rows} <= PLOVER_SECTORS
    nouns = [noun for noun, _sector in rows]
    assert len(nouns) == len(set(nouns))
    assert all(noun == noun.lower() for noun in nouns)


def run_build(script: str, out: Path) -> None:
    """Run a data build script from scripts/ on shared/ into ``out``."""
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / script),
            "--shared",
            str(SHARED),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


def test_build_reproduces_shipped_files(tmp_path: Path) -> None:
    """The shipped files are exactly what the build script makes from shared/."""
    assert (SHARED / "data" / "phoenix" / "Phoenix.Countries.actors.txt").is_file()
    run_build("build_dictionaries.py", tmp_path)
    for name in ("actors.tsv", "persons.actors", "agents.tsv"):
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), name


def test_agent_file_among_actor_files_is_read_as_agents(petrarch_dicts: Path) -> None:
    """One setting (STANCEWATCH_ACTOR_DICTIONARIES) lists actor and agent files alike."""
    gaz = Gazetteer.load(
        actor_files=[
            petrarch_dicts / "PETR.Validate.actors.txt",
            petrarch_dicts / "PETR.Validate.agents.txt",
        ]
    )
    assert gaz.lookup("Arnor") is not None
    assert gaz.sector_of("police") == "COP"
    assert gaz.lookup("police") is None  # not an actor name


def test_may_start_is_a_cheap_prefix_test(gaz: Gazetteer) -> None:
    assert gaz.may_start("United") and gaz.may_start("the") and gaz.may_start("China")
    assert not gaz.may_start("yesterday")


def test_verb_build_reproduces_shipped_lexicon(tmp_path: Path) -> None:
    """processors/data/verbs.tsv is exactly what scripts/build_verbs.py makes from shared/."""
    assert (SHARED / "data" / "phoenix" / "CAMEO.2.0.txt").is_file()
    run_build("build_verbs.py", tmp_path)
    assert (tmp_path / "verbs.tsv").read_bytes() == (DATA_DIR / "verbs.tsv").read_bytes()
