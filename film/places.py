"""What a scene looks like: its kind of place, time of day and weather, read from its heading
and action (keyword rules, first match wins; the heading's location outranks the action)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# (kind, interior?, words). Order matters: the more specific first ("ship deck" before "sea",
# "lamp room" before "lighthouse"). A kind whose interior flag is None fits either.
KINDS: list[tuple[str, bool | None, tuple[str, ...]]] = [
    ("space", None, ("SPACE", "ORBIT", "SPACESHIP", "SPACECRAFT", "ASTEROID", "SPACE STATION")),
    ("car", True, ("CAR", "TAXI", "TRUCK", "VAN", "JEEP", "LIMO", "CAB")),
    ("train", None, ("TRAIN", "SUBWAY", "CARRIAGE", "COMPARTMENT", "TRAM", "PLATFORM")),
    ("ship_deck", False, ("DECK", "SHIP", "BOAT", "TRAWLER", "YACHT", "FERRY", "SAILBOAT")),
    ("cabin", True, ("CABIN", "HUT", "COTTAGE", "LAMP ROOM", "HOLD", "BUNK")),
    ("lighthouse", False, ("LIGHTHOUSE",)),
    (
        "harbour",
        None,
        ("HARBOUR", "HARBOR", "PIER", "DOCK", "QUAY", "PORT", "WHARF", "MARINA", "JETTY"),
    ),
    ("beach", False, ("BEACH", "SHORE", "COAST", "SAND", "SEASIDE", "BAY")),
    ("sea", False, ("SEA", "OCEAN", "OPEN WATER", "WAVES", "REEF")),
    ("desert", False, ("DESERT", "DUNE", "DUNES", "SAHARA", "CANYON", "BADLANDS")),
    (
        "mountain",
        False,
        ("MOUNTAIN", "PEAK", "SUMMIT", "CLIFF", "RIDGE", "ALPS", "GLACIER", "PASS"),
    ),
    ("forest", False, ("FOREST", "WOODS", "WOOD", "JUNGLE", "GROVE", "CLEARING", "TREES")),
    (
        "field",
        False,
        (
            "FIELD",
            "FIELDS",
            "FARM",
            "MEADOW",
            "PRAIRIE",
            "COUNTRYSIDE",
            "VILLAGE",
            "GARDEN",
            "PARK",
            "ORCHARD",
            "HILL",
            "EDGE OF",
        ),
    ),
    ("market", None, ("MARKET", "BAZAAR", "SQUARE", "FAIR", "STALL", "PLAZA")),
    ("bar", True, ("BAR", "PUB", "TAVERN", "SALOON", "CLUB", "INN", "NIGHTCLUB")),
    ("church", None, ("CHURCH", "CHAPEL", "CATHEDRAL", "TEMPLE", "BELL TOWER", "BELFRY", "ABBEY")),
    ("hospital", True, ("HOSPITAL", "WARD", "CLINIC", "INFIRMARY", "SURGERY", "EMERGENCY")),
    ("school", True, ("SCHOOL", "CLASSROOM", "UNIVERSITY", "LECTURE", "CLASS", "GYM")),
    ("kitchen", True, ("KITCHEN", "DINER", "CAFE", "CAFÉ", "RESTAURANT", "BAKERY", "CANTEEN")),
    (
        "office",
        True,
        (
            "OFFICE",
            "STUDY",
            "BANK",
            "LAB",
            "LABORATORY",
            "LIBRARY",
            "STATION HOUSE",
            "PRECINCT",
            "NEWSROOM",
        ),
    ),
    (
        "street",
        False,
        (
            "STREET",
            "ROAD",
            "ALLEY",
            "AVENUE",
            "LANE",
            "SIDEWALK",
            "CROSSROADS",
            "CROSSING",
            "HIGHWAY",
            "BRIDGE",
        ),
    ),
    ("city", False, ("CITY", "ROOFTOP", "SKYLINE", "DOWNTOWN", "TOWN", "METROPOLIS")),
    (
        "room",
        True,
        (
            "BEDROOM",
            "LIVING ROOM",
            "ROOM",
            "APARTMENT",
            "FLAT",
            "HOUSE",
            "HALL",
            "CORRIDOR",
            "ATTIC",
            "BASEMENT",
            "HOME",
            "TOWER",
            "LOUNGE",
            "PARLOUR",
        ),
    ),
]
GENERIC = {True: "interior", False: "exterior"}
ALL_KINDS = sorted({k for k, _, _ in KINDS} | set(GENERIC.values()))

TIMES = [
    ("night", ("NIGHT", "MIDNIGHT", "DARK", "MOONLIGHT")),
    ("dusk", ("DUSK", "SUNSET", "EVENING", "TWILIGHT", "MAGIC HOUR")),
    ("dawn", ("DAWN", "SUNRISE", "DAYBREAK", "FIRST LIGHT")),
    ("day", ("DAY", "MORNING", "AFTERNOON", "NOON", "MIDDAY")),
]
WEATHERS = [
    ("storm", ("STORM", "THUNDER", "LIGHTNING", "GALE", "HURRICANE", "TEMPEST", "LASHES")),
    ("snow", ("SNOW", "SNOWS", "BLIZZARD", "SNOWFALL", "SNOWFLAKES", "WINTER")),
    ("rain", ("RAIN", "RAINS", "RAINING", "DOWNPOUR", "DRIZZLE", "SOAKED", "DRENCHED", "WET")),
    ("fog", ("FOG", "FOGGY", "MIST", "MISTY", "HAZE", "SMOKE")),
]
# A sentence saying the weather has ended ("The storm is gone.") clears it.
_ENDED = re.compile(
    r"\b(IS|WAS|HAS|'S) (GONE|OVER|PASSED|ENDED)\b"
    r"|\b(STOPPED|CLEARED|CLEARS|LIFTS|LIFTED|NO LONGER)\b"
)


@dataclass(frozen=True)
class Place:
    kind: str
    interior: bool
    time: str  # dawn | day | dusk | night
    weather: str  # clear | rain | fog | snow | storm

    @property
    def key(self) -> str:
        return f"{self.kind}:{'int' if self.interior else 'ext'}:{self.time}:{self.weather}"


def _has(text: str, word: str) -> bool:
    return re.search(rf"(?<![A-Z]){re.escape(word)}(?![A-Z])", text) is not None


def _kind(text: str, interior: bool) -> str | None:
    for kind, inside, words in KINDS:
        if inside is not None and inside != interior and kind not in ("car", "cabin"):
            continue
        if any(_has(text, w) for w in words):
            return kind
    return None


def _time(text: str) -> str | None:
    for name, words in TIMES:
        if any(_has(text, w) for w in words):
            return name
    return None


def _weather(text: str) -> str | None:
    """The weather the words describe, or "clear" when they say it ended, None if silent."""
    found = None
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        for name, words in WEATHERS:
            if any(_has(sentence, w) for w in words):
                found = "clear" if _ENDED.search(sentence) else name
                break
    return found


def place_for(
    *, int_ext: str, location: str, time_of_day: str, action: str, previous: Place | None = None
) -> Place:
    """Read the place of one scene; `previous` (the scene before) lends its time and weather
    when this one does not say (CONTINUOUS, LATER, an interior during the same storm)."""
    loc, act = location.upper(), action.upper()
    interior = int_ext.upper().startswith("INT")
    kind = _kind(loc, interior) or _kind(act, interior) or GENERIC[interior]
    time = _time(time_of_day.upper()) or _time(act) or (previous.time if previous else "day")
    if _has(act, "MORNING") and time == "night":
        time = "day"
    weather = _weather(f"{loc}. {act}")
    if weather is None:
        same_time = previous is not None and previous.time == time
        weather = previous.weather if same_time and previous else "clear"
    return Place(kind, interior, time, weather)
