"""Invented words for synthetic rows: people's names, places, streets, film titles and
descriptions. Everything is composed from the lists below with a seeded generator."""

from __future__ import annotations

import random
import unicodedata


FIRST_NAMES = ["AARON", "ABIGAIL", "ADAM", "ADRIAN", "AGNES", "ALAN", "ALICE", "ALMA", "AMOS", "ANDREA", "ANGELA", "ANTON", "ARLO", "AUDREY", "BEATRICE", "BENNETT", "BERNARD", "BLAKE", "BRENDA", "BRUNO", "CALVIN", "CAMILLE", "CARMEN", "CECIL", "CELIA", "CLARA", "CLIFFORD", "CORA", "DALTON", "DARIA", "DELIA", "DESMOND", "DORA", "DUNCAN", "EDGAR", "EDITH", "ELENA", "ELLIOT", "ELOISE", "EMMETT", "ESTHER", "FELIX", "FLORA", "FRIDA", "GABRIEL", "GEMMA", "GIDEON", "GRETA", "HAZEL", "HECTOR", "HOLLIS", "IMOGEN", "IRIS", "IVAN", "JASPER", "JUNE", "KEATON", "LARA", "LEON", "LIONEL", "LUCIA", "MABEL", "MARCUS", "MAVIS", "MILES", "MIRIAM", "NELL", "NOEL", "OPAL", "OSCAR", "PEARL", "QUINN", "RHODA", "ROLAND", "RUFUS", "SELMA", "SILAS", "TESSA", "THEO", "URSULA", "VERA", "WALLACE", "WILLA", "YARA", "ZANE"]

LAST_NAMES = ["ABERNATHY", "ALDRIDGE", "ASHCROFT", "BALLARD", "BARTLETT", "BECKETT", "BRAMLEY", "BRISCOE", "CALLOWAY", "CARVER", "CHANDLER", "CROMWELL", "DARNELL", "DELANEY", "DORSEY", "EASTWICK", "ELLSWORTH", "FAIRCHILD", "FENWICK", "FLETCHER", "GALLOWAY", "GARLAND", "GODWIN", "GRISWOLD", "HALLORAN", "HARGROVE", "HASTINGS", "HOLLOWAY", "HUXLEY", "IRVING", "JESSUP", "KENDRICK", "KESSLER", "LANCASTER", "LANGLEY", "LOCKWOOD", "MADDOX", "MARLOWE", "MERCER", "MORROW", "NORCROSS", "OAKLEY", "OSBORNE", "PEMBERTON", "PRESCOTT", "QUINCY", "RADCLIFFE", "RAMSEY", "REDFORD", "ROWLAND", "SALTER", "SHELBY", "SINCLAIR", "SOMERS", "STANHOPE", "SUTTON", "TALBOT", "THORNE", "TILLMAN", "UPTON", "VANCE", "WAINWRIGHT", "WESTBROOK", "WHITAKER", "WINSLOW", "YARDLEY"]

_ONSETS = ["b", "br", "c", "d", "dr", "f", "g", "gr", "k", "l", "m", "n", "p", "r", "s", "t", "tr", "v", "z"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou"]
_ACCENTED = ["á", "é", "í", "ó", "ú", "ã", "õ", "ñ", "ç", "ö", "ü", "è", "â", "ô"]
_CODAS = ["", "", "", "", "l", "n", "r", "s", "th"]
_COUNTRY_ENDINGS = ["ia", "land", "ora", "ovia", "istan", "ena", "mire", "ador", "aria", "onia"]
_CITY_PREFIXES = ["San ", "Port ", "Nova ", "Santa ", "Vila ", "Bad ", "El ", "Saint-"]
_CITY_ENDINGS = ["", "", "", "burg", "ville", "pur", "stad", "ford", "haven", "grad", "abad", "polis"]

STREET_SUFFIXES = ["Street", "Avenue", "Lane", "Road", "Drive", "Way", "Place", "Parkway", "Boulevard",
                   "Loop", "Court", "Terrace"]

TITLE_FIRST = ["AMBER", "ARCTIC", "AUTUMN", "BITTER", "BLUE", "BRASS", "CANYON", "CEDAR", "CHROME", "CIRCUS", "CLOCKWORK", "CORAL", "CRIMSON", "CRYSTAL", "DESERT", "DISTANT", "DOUBLE", "EMERALD", "EMPTY", "FALLEN", "FEATHER", "FIRST", "FROZEN", "GARDEN", "GENTLE", "GHOST", "GOLDEN", "GRANITE", "HARBOR", "HIDDEN", "HOLLOW", "IRON", "IVORY", "JADE", "LANTERN", "LAST", "LATE", "LEMON", "LITTLE", "LONELY", "LUNAR", "MARBLE", "MIDNIGHT", "MIRROR", "MISTY", "NEON", "NORTHERN", "OCEAN", "PAPER", "PATIENT", "PHANTOM", "PRAIRIE", "QUIET", "RAPID", "RIVER", "ROYAL", "RUSTY", "SAFFRON", "SCARLET", "SECRET", "SILENT", "SILVER", "SOLAR", "SPARROW", "STORMY", "SUMMER", "SWIFT", "THUNDER", "TIMBER", "VELVET", "VIOLET", "WANDERING", "WILD", "WINTER"]

TITLE_SECOND = ["ALIBI", "ANCHOR", "ANTHEM", "ARCADE", "ATLAS", "BALLAD", "BANDIT", "BARON", "BEACON", "BRIDGE", "CABIN", "CARAVAN", "CASTLE", "CIPHER", "COMET", "COMPASS", "CROWN", "DANCER", "DIARY", "DRIFTER", "EMPIRE", "ENVOY", "FALCON", "FORTUNE", "FRONTIER", "GAMBIT", "GARRISON", "HARVEST", "HEIST", "HORIZON", "ISLAND", "JOURNEY", "JUNCTION", "KINGDOM", "LABYRINTH", "LEGACY", "MARATHON", "MERIDIAN", "MONSOON", "NOMAD", "ORCHARD", "OUTPOST", "PARADE", "PILGRIM", "PROMISE", "QUARTET", "RANSOM", "REQUIEM", "RODEO", "SAFARI", "SENTINEL", "SERENADE", "SIGNAL", "SONATA", "STATION", "SUMMIT", "TANGO", "TEMPEST", "TRAVELER", "TRIBUTE", "VOYAGE", "WALTZ", "WITNESS", "ZEPHYR"]

_STORY = ["Tale", "Saga", "Chronicle", "Portrait", "Fable", "Yarn", "Story", "Reflection", "Epic", "Drama"]
_MOOD = ["Brisk", "Gentle", "Restless", "Sly", "Earnest", "Tender", "Wry", "Stirring", "Breezy", "Somber",
         "Playful", "Daring"]
_ROLES = ["Baker", "Cartographer", "Detective", "Gardener", "Lighthouse Keeper", "Pilot", "Violinist",
          "Librarian", "Beekeeper", "Mechanic", "Astronomer", "Ferry Captain", "Tailor", "Chemist"]
_DEEDS = ["outwit", "befriend", "rescue", "race", "chase", "outsmart", "protect", "confront",
          "find", "escort"]
_THINGS = ["Stubborn Goat", "Rival Inventor", "Missing Heir", "Runaway Train", "Talking Parrot",
           "Lost Expedition", "Retired Smuggler", "Clever Fox", "Marching Band", "Vanished Mayor"]
_SETTINGS = ["in a Snowbound Village", "on a Paddle Steamer", "at a County Fair", "in an Abandoned Mill",
             "across the Salt Flats", "beneath a Volcano", "in a Floating Market", "at the Old Observatory",
             "on a Night Train", "in a Desert Oasis", "during a Heatwave", "at a Seaside Carnival"]


def full_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """``count`` distinct (first, last) name pairs, upper-case."""
    pairs = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    return rng.sample(pairs, count)


def _syllable(rng: random.Random, accent_chance: float) -> str:
    vowel = rng.choice(_ACCENTED) if rng.random() < accent_chance else rng.choice(_VOWELS)
    return rng.choice(_ONSETS) + vowel + rng.choice(_CODAS)


def _word(rng: random.Random, syllables: int, accent_chance: float = 0.0) -> str:
    return "".join(_syllable(rng, accent_chance) for _ in range(syllables)).capitalize()


def _distinct(rng: random.Random, count: int, make) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        names.add(make(rng))
    return sorted(names, key=sort_key)


def sort_key(name: str) -> tuple[str, str]:
    """Accent-insensitive order, as MySQL's default collation sorts."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return plain, name


def country_names(rng: random.Random, count: int) -> list[str]:
    """Invented country names, alphabetical."""
    return _distinct(rng, count, lambda r: _word(r, r.choice([1, 2])) + r.choice(_COUNTRY_ENDINGS))


def city_names(rng: random.Random, count: int) -> list[str]:
    """Invented city names, some accented or with a prefix, alphabetical."""
    def city(r: random.Random) -> str:
        name = _word(r, r.choice([1, 2, 2, 3]), accent_chance=0.12) + r.choice(_CITY_ENDINGS)
        return (r.choice(_CITY_PREFIXES) + name) if r.random() < 0.12 else name
    return _distinct(rng, count, city)


def district_name(rng: random.Random) -> str:
    return _word(rng, rng.choice([2, 3]), accent_chance=0.05)[:20]


def street_address(rng: random.Random) -> str:
    return f"{rng.randint(1, 1999)} {_word(rng, rng.choice([1, 2]))} {rng.choice(STREET_SUFFIXES)}"


def film_titles(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct upper-case titles of two words, in random order."""
    pairs = [f"{a} {b}" for a in TITLE_FIRST for b in TITLE_SECOND if a != b]
    return rng.sample(pairs, count)


def film_description(rng: random.Random, low: int = 70, high: int = 130) -> str:
    """A one-sentence plot of ``low``..``high`` characters."""
    while True:
        text = (f"A {rng.choice(_MOOD)} {rng.choice(_STORY)} of a {rng.choice(_ROLES)} who sets out to "
                f"{rng.choice(_DEEDS)} a {rng.choice(_THINGS)} {rng.choice(_SETTINGS)}")
        if low <= len(text) <= high:
            return text
