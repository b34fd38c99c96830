"""The stress harness's pure parts: personas, their moves, their expectations and the scoring (issue 13)."""

from domain.stress.caller import move
from domain.stress.expect import Expectation, ExpectedOutcome, expectation
from domain.stress.personas import ALL, CallerPlan, Detail, Persona, Traits, business_states, traits
from domain.stress.report import Figures, StressReport, figures, percentile, summarize
from domain.stress.scoring import CallVerdict, Observed, judge

__all__ = [
    "ALL", "CallVerdict", "CallerPlan", "Detail", "Expectation", "ExpectedOutcome", "Figures", "Observed",
    "Persona", "StressReport", "Traits", "business_states", "expectation", "figures", "judge", "move",
    "percentile", "summarize", "traits",
]  # fmt: skip
