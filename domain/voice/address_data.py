"""Australian address reference data: street types, states and Australia Post postcode ranges."""

from __future__ import annotations

# Canonical abbreviation (AS 4590 style) -> the word read back.
STREET_TYPE_FULL: dict[str, str] = {
    "St": "Street", "Rd": "Road", "Ave": "Avenue", "Dr": "Drive", "Ct": "Court", "Pl": "Place", "Cres": "Crescent",
    "Pde": "Parade", "La": "Lane", "Way": "Way", "Bvd": "Boulevard", "Cl": "Close", "Tce": "Terrace",
    "Hwy": "Highway", "Cct": "Circuit", "Gr": "Grove", "Esp": "Esplanade", "Sq": "Square", "Wlk": "Walk",
    "Rise": "Rise", "Mews": "Mews", "Loop": "Loop", "Row": "Row", "Prom": "Promenade", "Cir": "Circle",
    "Gdns": "Gardens", "Hts": "Heights", "Pkwy": "Parkway", "Rdge": "Ridge", "Vw": "View", "Crst": "Crest",
    "Tpke": "Turnpike", "Track": "Track", "Trl": "Trail", "Glen": "Glen", "Cove": "Cove", "Bay": "Bay",
    "Mall": "Mall", "Qy": "Quay", "Bwy": "Broadway",
}  # fmt: skip
STREET_TYPES: dict[str, str] = {
    **{full.lower(): abbr for abbr, full in STREET_TYPE_FULL.items()},
    **{abbr.lower(): abbr for abbr in STREET_TYPE_FULL},
    "str": "St", "av": "Ave", "drv": "Dr", "crt": "Ct", "cr": "Cres", "crescent": "Cres", "lane": "La",
    "ln": "La", "blvd": "Bvd", "boulevarde": "Bvd", "ter": "Tce", "terr": "Tce", "cir": "Cir", "circ": "Cct",
    "gve": "Gr", "esplanade": "Esp", "walk": "Wlk", "promenade": "Prom", "pkwy": "Pkwy", "parkway": "Pkwy",
}  # fmt: skip

STATE_FULL: dict[str, str] = {
    "NSW": "New South Wales", "VIC": "Victoria", "QLD": "Queensland", "WA": "Western Australia",
    "SA": "South Australia", "TAS": "Tasmania", "ACT": "Australian Capital Territory", "NT": "Northern Territory",
}  # fmt: skip
STATE_NAMES: dict[str, str] = {
    **{full.lower(): code for code, full in STATE_FULL.items()},
    **{code.lower(): code for code in STATE_FULL},
    "n s w": "NSW", "vic": "VIC", "q l d": "QLD", "queensland": "QLD", "w a": "WA", "s a": "SA", "tassie": "TAS",
    "tas": "TAS", "a c t": "ACT", "n t": "NT", "victoria": "VIC", "tasmania": "TAS", "canberra act": "ACT",
    "and sw": "NSW", "n sw": "NSW",
}  # fmt: skip

# Australia Post ranges (inclusive); PO box and large-user ranges included.
POSTCODE_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "NSW": ((1000, 2599), (2619, 2899), (2921, 2999)),
    "ACT": ((200, 299), (2600, 2618), (2900, 2920)),
    "VIC": ((3000, 3999), (8000, 8999)),
    "QLD": ((4000, 4999), (9000, 9999)),
    "SA": ((5000, 5999),),
    "WA": ((6000, 6999),),
    "TAS": ((7000, 7999),),
    "NT": ((800, 999),),
}


def postcode_matches(state: str, postcode: str) -> bool:
    """True when the 4-digit postcode lies in one of the state's ranges."""
    if len(postcode) != 4 or not postcode.isdigit():
        return False
    code = int(postcode)
    return any(low <= code <= high for low, high in POSTCODE_RANGES.get(state, ()))


def state_for_postcode(postcode: str) -> str | None:
    """The state a postcode belongs to (NSW wins the few shared cases by listing order)."""
    for state in STATE_FULL:
        if postcode_matches(state, postcode):
            return state
    return None
