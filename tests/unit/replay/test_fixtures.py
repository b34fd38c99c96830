"""Every saved call (tests/fixtures/calls) replays to what it should have done, on every run."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.replay.fixtures import check_fixture
from tests.helpers.call_fixtures import caller_audio, fixture_paths, load_fixture

PATHS = fixture_paths()


def test_fixtures_are_shipped() -> None:
    assert len(PATHS) >= 3


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_the_fixture_replays_to_what_the_call_should_have_done(path: Path) -> None:
    fixture = load_fixture(path)
    report, problems = check_fixture(fixture)
    assert not problems, "\n".join(problems)
    assert report.inputs == sum(1 for e in fixture.events if e.type in ("turn.ended", "caller.silence",
                                                                         "transfer.failed"))
    pcm, rate = caller_audio(path, fixture)
    assert rate == 8000 and len(pcm) > 0


def test_a_fixture_whose_call_should_have_ended_otherwise_fails() -> None:
    fixture = load_fixture(PATHS[0])
    wrong = fixture.model_copy(update={"expected": fixture.expected.model_copy(update={"captured": {}})})
    _, problems = check_fixture(wrong)
    assert problems and problems[0].startswith("captured: expected {}")
    cut = fixture.model_copy(update={"events": [e for e in fixture.events if e.type != "objective.outcome"]})
    _, problems = check_fixture(cut)
    assert any("diverges from the recording" in p for p in problems)
