"""The metric dictionary and the executor map: data the kernel reads from tables.

The kernel receives both as arguments (loaded from the tables); these are the defaults, which the
0004_kernel migration seeded as a frozen copy (a test keeps the two equal).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

GoodDirection = Literal["increase", "decrease"]


class MetricDefinition(BaseModel):
    """One metric the kernel understands; `good` says which way is better."""

    model_config = ConfigDict(frozen=True)

    metric_id: str
    name: str
    unit: Literal["usd", "pct", "months", "count", "ratio"]
    good: GoodDirection
    # Values a well-formed point can take; outside them the point is invalid data.
    min_value: float | None = None
    max_value: float | None = None


class ExecutorRoute(BaseModel):
    """Which executor carries out the actions of an owner subsystem."""

    model_config = ConfigDict(frozen=True)

    owner_subsystem: str
    executor: str
    description: str


MetricDictionary = Mapping[str, MetricDefinition]
ExecutorMap = Mapping[str, ExecutorRoute]

REQUIRED_METRICS: tuple[str, ...] = ("pipeline_total", "bookings_new", "cac_blended")
ECONOMIC_METRICS: tuple[str, ...] = ("gross_margin_pct", "payback_months", "cac_blended", "revenue_per_fte")

DEFAULT_METRICS: tuple[MetricDefinition, ...] = (
    MetricDefinition(metric_id="pipeline_total", name="Open pipeline", unit="usd", good="increase", min_value=0),
    MetricDefinition(metric_id="bookings_new", name="New bookings", unit="usd", good="increase", min_value=0),
    MetricDefinition(metric_id="cac_blended", name="Blended CAC", unit="usd", good="decrease", min_value=0),
    MetricDefinition(metric_id="gross_margin_pct", name="Gross margin", unit="pct", good="increase",
                     min_value=-100, max_value=100),
    MetricDefinition(metric_id="payback_months", name="CAC payback", unit="months", good="decrease", min_value=0),
    MetricDefinition(metric_id="revenue_per_fte", name="Revenue per FTE", unit="usd", good="increase", min_value=0),
    MetricDefinition(metric_id="runway_months", name="Cash runway", unit="months", good="increase", min_value=0),
    MetricDefinition(metric_id="arr", name="Annual recurring revenue", unit="usd", good="increase", min_value=0),
    MetricDefinition(metric_id="win_rate_pct", name="Win rate", unit="pct", good="increase",
                     min_value=0, max_value=100),
    MetricDefinition(metric_id="lead_to_opportunity_pct", name="Lead to opportunity conversion", unit="pct",
                     good="increase", min_value=0, max_value=100),
    MetricDefinition(metric_id="marketing_spend", name="Marketing spend", unit="usd", good="decrease", min_value=0),
)

DEFAULT_EXECUTORS: tuple[ExecutorRoute, ...] = (
    ExecutorRoute(owner_subsystem="campaigns", executor="capital.campaigns",
                  description="Campaign budgets and status in the capital domain"),
    ExecutorRoute(owner_subsystem="crm", executor="crm.sequences",
                  description="CRM sequences, required fields and stages"),
    ExecutorRoute(owner_subsystem="pricing", executor="governance.pricing",
                  description="Price and discount changes, always through governed change"),
    ExecutorRoute(owner_subsystem="routing", executor="voice.routing",
                  description="Lead routing and speed-to-lead in the voice platform"),
    ExecutorRoute(owner_subsystem="content", executor="content.ops",
                  description="Content and messaging changes"),
)


def dictionary_of(definitions: Iterable[MetricDefinition]) -> dict[str, MetricDefinition]:
    """Metric id -> definition."""
    return {d.metric_id: d for d in definitions}


def executors_of(routes: Iterable[ExecutorRoute]) -> dict[str, ExecutorRoute]:
    """Owner subsystem -> executor route."""
    return {r.owner_subsystem: r for r in routes}


def default_dictionary() -> dict[str, MetricDefinition]:
    """The seeded metric dictionary."""
    return dictionary_of(DEFAULT_METRICS)


def default_executors() -> dict[str, ExecutorRoute]:
    """The seeded executor map."""
    return executors_of(DEFAULT_EXECUTORS)
