"""Australian address capture: numbers and units, street types, suburbs, states (spoken too), postcode ranges."""

from __future__ import annotations

import pytest

from domain.voice.address import parse_address, readback_address, repair_address
from domain.voice.address_data import postcode_matches, state_for_postcode

NEWTOWN = "15 Smith St, Newtown NSW 2042"
UNIT = "2/15 Smith St, Newtown NSW 2042"

PARSED = [
    ("15 Smith Street, Newtown NSW 2042", NEWTOWN),
    ("fifteen smith street newtown new south wales two oh four two", NEWTOWN),
    ("it's 15 smith st newtown n s w 2042", NEWTOWN),
    ("my address is 15 Smith Street Newtown 2042", NEWTOWN),
    ("number 15 smith st newtown nsw 2042", NEWTOWN),
    ("15 Smith Street Newtown NSW twenty forty two", NEWTOWN),
    ("unit 2 15 smith st newtown nsw 2042", UNIT),
    ("unit two fifteen smith street newtown nsw 2042", UNIT),
    ("2/15 smith st newtown nsw 2042", UNIT),
    ("2 / 15 Smith Street, Newtown, NSW, 2042", UNIT),
    ("two slash fifteen smith street newtown nsw 2042", UNIT),
    ("flat 3, 27 King Street, Newtown, NSW, 2042", "3/27 King St, Newtown NSW 2042"),
    ("apartment 12 / 8 Bourke Street Melbourne VIC 3000", "12/8 Bourke St, Melbourne VIC 3000"),
    ("42 Wallaby Way Sydney NSW 2000", "42 Wallaby Way, Sydney NSW 2000"),
    ("it's 7 Collins Street Melbourne Victoria 3000", "7 Collins St, Melbourne VIC 3000"),
    ("120 Queen St Brisbane City QLD 4000", "120 Queen St, Brisbane City QLD 4000"),
    ("one hundred and twenty queen street brisbane queensland four thousand", "120 Queen St, Brisbane QLD 4000"),
    ("5 Rundle Mall Adelaide SA 5000", "5 Rundle Mall, Adelaide SA 5000"),
    ("5 King William Road Unley South Australia 5061", "5 King William Rd, Unley SA 5061"),
    ("3 Hay St Perth WA 6000", "3 Hay St, Perth WA 6000"),
    ("3 Hay Street Perth Western Australia 6000", "3 Hay St, Perth WA 6000"),
    ("9 Salamanca Place Hobart Tasmania 7000", "9 Salamanca Pl, Hobart TAS 7000"),
    ("9 Salamanca Place Hobart Tassie 7000", "9 Salamanca Pl, Hobart TAS 7000"),
    ("10 Northbourne Avenue Canberra ACT 2601", "10 Northbourne Ave, Canberra ACT 2601"),
    ("10 Northbourne Ave Canberra Australian Capital Territory 2601", "10 Northbourne Ave, Canberra ACT 2601"),
    ("8 Mitchell Street Darwin Northern Territory 0800", "8 Mitchell St, Darwin NT 0800"),
    ("8 Mitchell Street Darwin NT 800", "8 Mitchell St, Darwin NT 0800"),
    ("15a Smith St Newtown NSW 2042", "15A Smith St, Newtown NSW 2042"),
    ("fifteen b smith street newtown nsw 2042", "15B Smith St, Newtown NSW 2042"),
    ("25 Beach Road Bondi Beach NSW 2026", "25 Beach Rd, Bondi Beach NSW 2026"),
    ("12 Seven Hills Road Seven Hills NSW 2147", "12 Seven Hills Rd, Seven Hills NSW 2147"),
    ("44 Glen Osmond Road Parkside SA 5063", "44 Glen Osmond Rd, Parkside SA 5063"),
    ("99 Lane Cove Road Lane Cove NSW 2066", "99 Lane Cove Rd, Lane Cove NSW 2066"),
    ("42 Bay View Road Balmain 2041", "42 Bay View Rd, Balmain NSW 2041"),
    ("7 O'Connell Street North Sydney NSW 2060", "7 O'Connell St, North Sydney NSW 2060"),
    ("3 Mary-Ann Crescent Kellyville NSW 2155", "3 Mary-Ann Cres, Kellyville NSW 2155"),
    ("100 St Kilda Road St Kilda Vic 3182", "100 St Kilda Rd, St Kilda VIC 3182"),
    ("6 Ocean Parade Coffs Harbour NSW 2450", "6 Ocean Pde, Coffs Harbour NSW 2450"),
    ("11 Banksia Court Frankston Victoria 3199", "11 Banksia Ct, Frankston VIC 3199"),
    ("31 Wattle Drive Toowoomba Qld 4350", "31 Wattle Dr, Toowoomba QLD 4350"),
    ("2 Jacaranda Close Cairns QLD 4870", "2 Jacaranda Cl, Cairns QLD 4870"),
    ("200 pitt st sydney nsw 2000 australia", "200 Pitt St, Sydney NSW 2000"),
    (UNIT, UNIT),
]

FAILED = [
    ("", "missing_number"),
    ("hmm I'm not sure", "missing_number"),
    ("Smith Street Newtown NSW 2042", "missing_street_type"),
    ("15 Smith Newtown NSW 2042", "missing_street_type"),
    ("15 Smith Street NSW 2042", "missing_suburb"),
    ("15 Smith Street Newtown NSW", "missing_postcode"),
    ("15 Smith Street Newtown", "missing_postcode"),
    ("15 Smith Street Newtown Victoria 2042", "postcode_mismatch"),
    ("3 Hay St Perth WA 2000", "postcode_mismatch"),
    ("3 Hay St Perth QLD 6000", "postcode_mismatch"),
    ("15 Smith Street Newtown NSW 204", "bad_postcode"),
    ("15 Smith Street Newtown NSW 20422", "bad_postcode"),
]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_parses_australian_addresses(text: str, expected: str) -> None:
    result = parse_address(text)
    assert result.ok, result.error
    assert result.value == expected


@pytest.mark.parametrize(("text", "error"), FAILED)
def test_refuses_incomplete_or_inconsistent(text: str, error: str) -> None:
    result = parse_address(text)
    assert not result.ok and result.value is None
    assert result.error == error


def test_readback_says_units_states_and_postcode_digits() -> None:
    assert readback_address(UNIT) == "unit 2, 15 Smith Street, Newtown, New South Wales, two oh four two"
    assert readback_address("8 Mitchell St, Darwin NT 0800") == (
        "8 Mitchell Street, Darwin, Northern Territory, oh eight oh oh"
    )


@pytest.mark.parametrize(
    ("state", "postcode", "ok"),
    [
        ("NSW", "2000", True),
        ("NSW", "2600", False),
        ("ACT", "2600", True),
        ("ACT", "2913", True),
        ("VIC", "3000", True),
        ("VIC", "8001", True),
        ("QLD", "4000", True),
        ("QLD", "9000", True),
        ("SA", "5000", True),
        ("WA", "6000", True),
        ("TAS", "7000", True),
        ("NT", "0800", True),
        ("NT", "2000", False),
        ("NSW", "abcd", False),
    ],
)
def test_postcode_ranges(state: str, postcode: str, ok: bool) -> None:
    assert postcode_matches(state, postcode) is ok


def test_state_inferred_from_postcode() -> None:
    assert state_for_postcode("2042") == "NSW"
    assert state_for_postcode("2601") == "ACT"
    assert state_for_postcode("0870") == "NT"
    assert state_for_postcode("0000") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the postcode is 2043", "2/15 Smith St, Newtown NSW 2043"),
        ("2043", "2/15 Smith St, Newtown NSW 2043"),
        ("two oh four three", "2/15 Smith St, Newtown NSW 2043"),
        ("the suburb is Enmore", "2/15 Smith St, Enmore NSW 2042"),
        ("no it's 17", "2/17 Smith St, Newtown NSW 2042"),
        ("the number is 17", "2/17 Smith St, Newtown NSW 2042"),
        ("unit 3", "3/15 Smith St, Newtown NSW 2042"),
        ("no it's 17 Smith Street Newtown NSW 2042", "17 Smith St, Newtown NSW 2042"),
    ],
)
def test_corrections(text: str, expected: str) -> None:
    result = repair_address(UNIT, text)
    assert result.ok, result.error
    assert result.value == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [("the state is victoria", "postcode_mismatch"), ("banana", "unclear_correction"), ("2042", "no_change")],
)
def test_corrections_refused(text: str, error: str) -> None:
    result = repair_address(UNIT, text)
    assert not result.ok and result.error == error


# Found by the stress harness: "the" before a state belongs to the state ("the ACT"), never to the suburb.
@pytest.mark.parametrize(
    ("text", "expected"),
    [("one hundred and eighty four Victoria Place, Braddon, the ACT, two six one two",
      "184 Victoria Pl, Braddon ACT 2612"),
     ("12 George Street, The Rocks, New South Wales, 2000", "12 George St, The Rocks NSW 2000"),
     ("3 Smith Street, Darwin, the Northern Territory, 0800", "3 Smith St, Darwin NT 0800")],
)
def test_the_before_a_state(text: str, expected: str) -> None:
    result = parse_address(text)
    assert result.ok and result.value == expected, result
