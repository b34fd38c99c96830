"""What capital tells the admins, in words (pure): an interrupt alert and the weekly summary's cover note."""

from __future__ import annotations

from typing import Any

from domain.capital.weekly import WeeklySummary

_WHAT = {
    "capital_80": "has spent 80% of its capital cap",
    "capital_90": "has spent 90% of its capital cap",
    "time_80": "has run 80% of its time cap",
    "time_90": "has run 90% of its time cap",
    "stop_loss_capital": "reached its capital cap: the stop-loss paused it",
    "stop_loss_time": "reached its time cap: the stop-loss paused it",
    "evaluation_requested": "has an evaluation requested",
}


def alert(experiment_name: str, kind: str, detail: dict[str, Any]) -> tuple[str, str]:
    """(subject, text) of an interrupt alert."""
    what = _WHAT.get(kind, kind.replace("_", " "))
    subject = f"[Revenue OS] Experiment '{experiment_name}' {what}"
    facts = "\n".join(f"  {k}: {v}" for k, v in sorted(detail.items()))
    action = ("Record an evaluation; only an override tied to a 'continue' evaluation resumes it."
              if kind.startswith("stop_loss") else "Consider an evaluation before the cap is reached.")
    return subject, f"Experiment '{experiment_name}' {what}.\n\n{facts}\n\n{action}\n"


def weekly_subject(summary: WeeklySummary) -> str:
    """The summary e-mail's subject."""
    return f"[Revenue OS] Weekly admin summary {summary.week}"


def weekly_text(summary: WeeklySummary) -> str:
    """The plain-text part of the summary e-mail (the HTML and CSV carry the rows)."""
    t = summary.totals
    return (f"Weekly admin summary {summary.week} ({summary.start} to {summary.end}).\n"
            f"Spend this week ${t.spend_week_usd}; to date ${t.spend_total_usd}.\n"
            f"QPCs {t.qpcs}; schedules {t.schedules}; installs {t.installs}; paid {t.paid_conversions}.\n"
            f"Evaluations recommended: {t.evaluations_recommended} of {len(summary.rows)} experiments.\n")
