"""The weekly admin summary: ISO weeks, its rows and totals, and its JSON/CSV/HTML renderings (pure)."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel

from domain.errors import InvalidInput

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(week: str) -> tuple[date, date]:
    """`YYYY-Www` -> (its Monday, the next Monday); refused if not a real ISO week."""
    match = WEEK_PATTERN.match(week)
    if not match:
        raise InvalidInput(f"week must look like 2026-W48, not {week!r}", code="invalid_week")
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        return monday, monday + timedelta(days=7)
    except (ValueError, OverflowError) as exc:
        raise InvalidInput(f"{week} is not an ISO week this calendar can hold: {exc}", code="invalid_week") from exc


def week_of(day: date) -> str:
    """The ISO week label of a day."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds_utc(week: str) -> tuple[datetime, datetime]:
    """The week as a UTC instant range [start, end)."""
    start, end = parse_week(week)
    return datetime.combine(start, time(), UTC), datetime.combine(end, time(), UTC)


class WeeklyRow(BaseModel):
    """One experiment's week."""

    experiment_id: UUID
    experiment_name: str
    campaign_id: UUID
    campaign_name: str
    status: str
    spend_week_usd: Decimal
    spend_total_usd: Decimal
    tranche_size_usd: Decimal
    tranches_consumed: Decimal
    qpcs: int
    schedules: int
    installs: int
    paid_conversions: int
    evaluation_recommended: bool


class WeeklyTotals(BaseModel):
    """Sums over every experiment in the week."""

    spend_week_usd: Decimal
    spend_total_usd: Decimal
    qpcs: int
    schedules: int
    installs: int
    paid_conversions: int
    evaluations_recommended: int


class WeeklySummary(BaseModel):
    """The default weekly admin summary."""

    week: str
    start: date
    end: date
    rows: list[WeeklyRow]
    totals: WeeklyTotals


def summarize(week: str, rows: list[WeeklyRow]) -> WeeklySummary:
    """Assemble the summary and its totals from per-experiment rows."""
    start, end = parse_week(week)
    totals = WeeklyTotals(
        spend_week_usd=sum((r.spend_week_usd for r in rows), Decimal(0)),
        spend_total_usd=sum((r.spend_total_usd for r in rows), Decimal(0)),
        qpcs=sum(r.qpcs for r in rows), schedules=sum(r.schedules for r in rows),
        installs=sum(r.installs for r in rows), paid_conversions=sum(r.paid_conversions for r in rows),
        evaluations_recommended=sum(1 for r in rows if r.evaluation_recommended),
    )
    return WeeklySummary(week=week, start=start, end=end - timedelta(days=1), rows=rows, totals=totals)


COLUMNS = list(WeeklyRow.model_fields)


def to_csv(summary: WeeklySummary) -> str:
    """One line per experiment, in the JSON field order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in summary.rows:
        data = row.model_dump(mode="json")
        writer.writerow([data[c] for c in COLUMNS])
    return out.getvalue()


def to_html(summary: WeeklySummary) -> str:
    """A static page (the weekly cadence, not a live dashboard)."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row.model_dump(mode="json").values()) + "</tr>"
        for row in summary.rows
    )
    t = summary.totals
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Weekly summary {summary.week}</title></head>"
        f"<body><h1>Weekly admin summary {summary.week}</h1><p>{summary.start} to {summary.end}</p>"
        f"<table border='1'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f"<p>Spend this week ${t.spend_week_usd}; to date ${t.spend_total_usd}; QPCs {t.qpcs}; "
        f"schedules {t.schedules}; installs {t.installs}; paid {t.paid_conversions}; "
        f"evaluations recommended {t.evaluations_recommended}</p></body></html>"
    )
