"""What the founder is told, and when: every moment a contract waits for them, or was undone. Pure.

`draft_created` and `draft_expiring` (a DRAFT waits for a decision), `audit_inconclusive` (a change is live
and waits for a resolution before its deadline), `clarification_answered` (the answer to their question
came), `rolled_back` and `not_executed` (a change was undone, or never ran).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

NoticeKind = Literal["draft_created", "draft_expiring", "audit_inconclusive", "clarification_answered",
                     "rolled_back", "not_executed"]


class Notice(BaseModel):
    """A subject and a body for one founder notification."""

    model_config = ConfigDict(frozen=True)

    kind: NoticeKind
    subject: str
    body: str


def _changes(proposed: dict[str, Any]) -> str:
    items = proposed.get("changes") or []
    shown = [f"{c.get('capability')}{':' + str(c['target']) if c.get('target') else ''} {c.get('key')} -> "
             f"{c.get('value')!r}" for c in items[:5]]
    more = f" (and {len(items) - 5} more)" if len(items) > 5 else ""
    return "; ".join(shown) + more


def notice(kind: NoticeKind, contract_id: str, version: int, proposed: dict[str, Any], *,
           due: datetime | None = None, details: dict[str, Any] | None = None) -> Notice:
    """The notification for `kind` about one contract version; `due` is the expiry or the deadline."""
    details = details or {}
    what = _changes(proposed)
    link = f"GET /v1/contracts/{contract_id}"
    when = due.isoformat() if due else "no deadline"
    subjects = {
        "draft_created": f"A change waits for your decision (v{version})",
        "draft_expiring": f"A draft expires at {when} without your decision",
        "audit_inconclusive": f"A live change needs your resolution before {when}",
        "clarification_answered": "Your question about a draft was answered",
        "rolled_back": "A change was rolled back",
        "not_executed": "An approved change was not executed",
    }
    lines = [f"Contract {contract_id} v{version}: {what}.", link]
    if kind in ("draft_created", "draft_expiring"):
        lines.append(f"Approve, reject, clarify or modify it before {when}.")
    if kind == "audit_inconclusive":
        lines.append(f"Health gave no verdict. Resolve it (rollout or rollback) before {when}; after that it is "
                     "rolled back.")
    if kind == "clarification_answered":
        lines.append(f"Q: {details.get('question', '')}\nA: {details.get('answer', '')}")
    if details.get("reasons"):
        lines.append("Reasons: " + "; ".join(map(str, details["reasons"])))
    return Notice(kind=kind, subject=f"[Revenue OS] {subjects[kind]}", body="\n".join(lines))
