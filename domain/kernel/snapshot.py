"""The metrics snapshot and the data-quality findings the diagnosis and gates read.

Snapshot rule: a metric's current value is its latest point (by date; on equal dates the later one
in the input) without a dimension; a metric that only has dimensioned points takes its latest one.
Segment CAC: the latest `cac_blended` point per `dimension["segment"]`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from domain.kernel.catalog import REQUIRED_METRICS, MetricDictionary
from domain.kernel.inputs import KernelInput, MetricPoint
from domain.kernel.types import IssueType

STALE_AFTER = timedelta(days=7)
ATTRIBUTION_MIN_SHARE = 0.5
ECONOMIC_GATE_METRICS = ("gross_margin_pct", "payback_months", "runway_months")


@dataclass(frozen=True)
class DataIssue:
    """A finding about the data; blocking findings make data quality the binding constraint."""

    issue_type: IssueType
    metric: str
    description: str
    fix: str
    blocking: bool


@dataclass
class Snapshot:
    """Current values, per-segment CAC and data findings for one input."""

    values: dict[str, float] = field(default_factory=dict)
    dates: dict[str, date] = field(default_factory=dict)
    segment_cac: dict[str, float] = field(default_factory=dict)
    issues: list[DataIssue] = field(default_factory=list)

    def get(self, metric_id: str) -> float | None:
        """The valid current value of a metric (None when absent or invalid)."""
        return self.values.get(metric_id)


def _latest(points: list[MetricPoint]) -> tuple[dict[str, MetricPoint], dict[str, MetricPoint], dict[str, float]]:
    plain: dict[str, MetricPoint] = {}
    dimensioned: dict[str, MetricPoint] = {}
    segment_cac: dict[str, tuple[date, float]] = {}
    for p in points:
        into = dimensioned if p.dimension else plain
        seen = into.get(p.metric_id)
        if seen is None or p.date >= seen.date:
            into[p.metric_id] = p
        if p.metric_id == "cac_blended" and p.dimension and "segment" in p.dimension:
            seg = p.dimension["segment"]
            if seg not in segment_cac or p.date >= segment_cac[seg][0]:
                segment_cac[seg] = (p.date, p.value)
    return plain, dimensioned, {k: v for k, (_, v) in segment_cac.items()}


def _value_issue(point: MetricPoint, dictionary: MetricDictionary) -> DataIssue | None:
    d = dictionary.get(point.metric_id)
    if d is None:
        return None
    low = d.min_value if d.min_value is not None else float("-inf")
    high = d.max_value if d.max_value is not None else float("inf")
    if low <= point.value <= high:
        return None
    blocking = point.metric_id in REQUIRED_METRICS or point.metric_id in ECONOMIC_GATE_METRICS
    return DataIssue("invalid_data", point.metric_id,
                     f"{point.metric_id} = {point.value} on {point.date} is outside [{low}, {high}]",
                     f"correct the {point.metric_id} source and re-ingest the point", blocking)


def attribution_issue(inp: KernelInput) -> DataIssue | None:
    """Missing attribution when over half of revenue (by amount) names neither campaign nor channel."""
    total = unattributed = Decimal(0)
    for e in inp.revenue_events:
        amount = abs(e.amount)
        total += amount
        if not e.attributed_campaign_id and not e.attributed_channel:
            unattributed += amount
    if total == 0 or unattributed / total <= Decimal(str(ATTRIBUTION_MIN_SHARE)):
        return None
    share = float(unattributed / total)
    return DataIssue("missing_attribution", "bookings_new",
                     f"{share:.0%} of recent revenue has no campaign or channel attribution",
                     "require a campaign or channel on every revenue event at capture", True)


def build_snapshot(inp: KernelInput, dictionary: MetricDictionary) -> Snapshot:
    """Current values plus every data issue, from the input's metrics and revenue events."""
    plain, dimensioned, segment_cac = _latest(inp.metrics)
    snap = Snapshot(segment_cac=segment_cac)
    end = inp.analysis_window.end_date
    for metric_id in {**dimensioned, **plain}:
        point = plain.get(metric_id) or dimensioned[metric_id]
        issue = _value_issue(point, dictionary)
        if issue:
            snap.issues.append(issue)
            continue
        snap.values[metric_id] = point.value
        snap.dates[metric_id] = point.date
        if metric_id in REQUIRED_METRICS and point.date < end - STALE_AFTER:
            snap.issues.append(DataIssue("stale_data", metric_id,
                                         f"latest {metric_id} is from {point.date}, over 7 days before {end}",
                                         f"restore the daily {metric_id} feed", True))
    for metric_id in ECONOMIC_GATE_METRICS:
        if metric_id not in snap.values and not any(i.metric == metric_id for i in snap.issues):
            snap.issues.append(DataIssue("missing_data", metric_id, f"no {metric_id} in the metrics snapshot, "
                                         "so its CFO gate cannot be evaluated",
                                         f"ingest {metric_id} daily", False))
    issue = attribution_issue(inp)
    if issue:
        snap.issues.append(issue)
    snap.issues.sort(key=lambda i: (not i.blocking, i.issue_type, i.metric))
    return snap
