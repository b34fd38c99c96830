"""Governed change's bookkeeping: validation, eligibility, drafts and contract transitions (each retry-safe)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from temporalio import activity

from activities.governance_executors import Executors
from domain.errors import Conflict, InvalidInput, NotFound
from domain.governance import contracts as rules
from domain.governance.changes import ProposedChange, parse_changes
from domain.governance.contracts import TERMINAL, ContractStatus
from domain.governance.eligibility import EligibilityContext, EligibilityVerdict, blocked_scopes, evaluate
from domain.governance.issues import IssueStatus
from domain.governance.messages import CheckScope, ContractState, CreateDraft, EligibilityCommand, IssueRef, Transition
from domain.governance.validator import ValidatedProposal, Validator, ValidatorInput
from infra.db.governance_repo import (
    append_once,
    contract_state,
    contract_stream,
    get_contract,
    get_issue,
    issue_stream,
)
from infra.db.tables_governance import capabilities, governance_signals, issues, system_contracts
from infra.db.violations import CHECK_VIOLATION, Violation, refusing


def _guard_refusal(violation: Violation) -> Conflict:
    return Conflict(violation.message, code="contract_guard")


# The contract guard trigger refuses what governed change forbids; its message says why.
CONTRACT_GUARD = {CHECK_VIOLATION: _guard_refusal}


async def _issue(conn: AsyncConnection, issue_id: Any) -> RowMapping:
    row = await get_issue(conn, issue_id, lock=True)
    if row is None:
        raise NotFound(f"issue {issue_id} does not exist", code="issue_not_found")
    return row


async def load_context(conn: AsyncConnection, threshold: float, triage: list[str], executors: Executors,
                       changes: list[ProposedChange]) -> EligibilityContext:
    """Registered means registered *and* executed here: a row whose executor this deployment lacks is not."""
    wired = {spec.name for spec in executors.specs()}
    names = (await conn.execute(select(capabilities.c.name).where(capabilities.c.owner.is_not(None)))).scalars()
    scopes = (await conn.execute(select(governance_signals.c.scope).where(
        governance_signals.c.blocking.is_(True), governance_signals.c.revoked_at.is_(None)))).scalars().all()
    return EligibilityContext(registered_capabilities=[n for n in names if n in wired], blocking_scopes=list(scopes),
                              threshold=threshold, manual_triage_types=triage,
                              change_problems=executors.check(changes))


class GovernanceActivities:
    """The validator port is injected; it only analyses, this class records what it said."""

    def __init__(self, engine: AsyncEngine, validator: Validator, executors: Executors) -> None:
        self._engine = engine
        self._validator = validator
        self._executors = executors

    @activity.defn(name="validate_issue")
    async def validate_issue(self, ref: IssueRef) -> ValidatedProposal:
        async with self._engine.begin() as conn:
            issue = await _issue(conn, ref.issue_id)
            if issue["validator_output"] is not None:
                return ValidatedProposal.model_validate(issue["validator_output"])
            proposal = self._validator.validate(ValidatorInput(source=issue["source"],
                                                               raw_payload=issue["raw_payload"]))
            now = _now()
            await conn.execute(update(issues).where(issues.c.id == ref.issue_id).values(
                validator_output=proposal.model_dump(mode="json"), status=IssueStatus.VALIDATED, updated_at=now))
            await append_once(conn, issue_stream(ref.issue_id), ref.issue_id, "issue.validated",
                              proposal.model_dump(mode="json"), now, issue["tenant_id"])
            return proposal

    @activity.defn(name="check_eligibility")
    async def check_eligibility(self, cmd: EligibilityCommand) -> EligibilityVerdict:
        async with self._engine.begin() as conn:
            issue = await _issue(conn, cmd.issue_id)
            if issue["eligibility"] is not None:
                return EligibilityVerdict.model_validate(issue["eligibility"])
            ctx = await load_context(conn, cmd.threshold, cmd.manual_triage_types, self._executors,
                                     list(cmd.proposal.proposed_changes))
            verdict = evaluate(cmd.proposal, ctx)
            status = IssueStatus.ELIGIBLE if verdict.decision == "MAY" else IssueStatus.INELIGIBLE
            await conn.execute(update(issues).where(issues.c.id == cmd.issue_id).values(
                eligibility=verdict.model_dump(mode="json"), status=status, updated_at=_now()))
            await append_once(conn, issue_stream(cmd.issue_id), cmd.event_id, "issue.eligibility_decided",
                              verdict.model_dump(mode="json"), _now(), issue["tenant_id"])
            return verdict

    @activity.defn(name="check_scope")
    async def check_scope(self, cmd: CheckScope) -> None:
        """A modified scope must still be valid and eligible: the founder cannot override eligibility."""
        changes = parse_changes(cmd.proposed_changes)
        async with self._engine.connect() as conn:
            ctx = await load_context(conn, 0, [], self._executors, list(changes.changes))
        unknown = sorted(set(changes.capabilities()) - set(ctx.registered_capabilities))
        if unknown:
            raise InvalidInput(f"unknown capabilities: {', '.join(unknown)}", code="scope_ineligible")
        if ctx.change_problems:
            raise InvalidInput("not executable: " + "; ".join(ctx.change_problems), code="scope_ineligible")
        blocked = blocked_scopes(changes.capabilities(), ctx.blocking_scopes)
        if blocked:
            raise InvalidInput(f"blocking governance signal active for: {', '.join(blocked)}", code="scope_ineligible")

    @activity.defn(name="create_draft")
    async def create_draft(self, cmd: CreateDraft) -> ContractState:
        """A new draft contract; refused unless the issue was validated and found eligible (the database checks too)."""
        changes = parse_changes(cmd.proposed_changes)
        with refusing(CONTRACT_GUARD):
            async with self._engine.begin() as conn:
                issue = await _issue(conn, cmd.issue_id)
                if issue["validator_output"] is None or (issue["eligibility"] or {}).get("decision") != "MAY":
                    raise Conflict(f"issue {cmd.issue_id} has no validated, eligible proposal", code="not_eligible")
                await self._insert_draft(conn, cmd, issue, changes.model_dump(mode="json"), changes.capabilities())
                row = await get_contract(conn, cmd.contract_id)
                assert row is not None
                return contract_state(row)

    async def _insert_draft(self, conn: AsyncConnection, cmd: CreateDraft, issue: RowMapping,
                            changes: dict[str, Any], affected: list[str]) -> None:
        severity = issue["validator_output"]["severity"]
        values = {
            "id": cmd.contract_id, "issue_id": cmd.issue_id, "version": cmd.version,
            "supersedes_id": cmd.supersedes_id, "status": ContractStatus.DRAFT, "proposed_changes": changes,
            "affected_capabilities": affected, "risk_level": rules.risk_level(severity, len(affected)),
            "tenant_id": issue["tenant_id"], "created_at": cmd.created_at,
            "expires_at": rules.expires_at(cmd.created_at, cmd.ttl_seconds), "updated_at": cmd.created_at,
        }
        inserted = await conn.execute(pg_insert(system_contracts).values(**values).on_conflict_do_nothing()
                                      .returning(system_contracts.c.id))
        if inserted.first() is None:
            return
        await conn.execute(update(issues).where(issues.c.id == cmd.issue_id).values(
            contract_id=cmd.contract_id, status=IssueStatus.CONTRACT_DRAFTED, updated_at=cmd.created_at))
        payload = to_jsonable_python({**values, "decided_by": cmd.decided_by, "note": cmd.note})
        await append_once(conn, contract_stream(cmd.contract_id), cmd.contract_id, "contract.drafted", payload,
                          cmd.created_at, issue["tenant_id"])

    @activity.defn(name="transition_contract")
    async def transition_contract(self, cmd: Transition) -> ContractState:
        """Move a contract between states; illegal moves are refused, a retried move is a no-op."""
        with refusing(CONTRACT_GUARD):
            async with self._engine.begin() as conn:
                return await self._transition(conn, cmd)

    async def _transition(self, conn: AsyncConnection, cmd: Transition) -> ContractState:
        row = await get_contract(conn, cmd.contract_id, lock=True)
        if row is None:
            raise NotFound(f"contract {cmd.contract_id} does not exist", code="contract_not_found")
        written = await append_once(conn, contract_stream(cmd.contract_id), cmd.event_id, cmd.event_type,
                                    _event_payload(cmd), cmd.at, row["tenant_id"])
        if written and row["status"] != cmd.to_status:
            if row["status"] in TERMINAL:
                raise Conflict(f"contract is {row['status']} (terminal)", code="contract_terminal")
            await conn.execute(update(system_contracts).where(system_contracts.c.id == cmd.contract_id)
                               .values(**_transition_values(cmd)))
        after = await get_contract(conn, cmd.contract_id)
        assert after is not None
        return contract_state(after)


def _event_payload(cmd: Transition) -> dict[str, Any]:
    payload: dict[str, Any] = {**cmd.payload, "status": cmd.to_status.value,
                               "by": str(cmd.by) if cmd.by else None}
    if cmd.window:
        payload["activation_window"] = cmd.window.model_dump(mode="json")
    if cmd.constraints:
        payload["execution_constraints"] = cmd.constraints.model_dump(mode="json")
    return payload


def _transition_values(cmd: Transition) -> dict[str, Any]:
    values: dict[str, Any] = {"status": cmd.to_status, "updated_at": cmd.at}
    if cmd.to_status is ContractStatus.APPROVED:
        values |= {"approved_by": cmd.by, "approved_at": cmd.at}
        if cmd.window:
            values |= {"activation_start": cmd.window.start, "activation_end": cmd.window.end}
        if cmd.constraints:
            values["execution_constraints"] = cmd.constraints.model_dump(mode="json")
    elif cmd.by is not None:
        values["decided_by"] = cmd.by
    return values


def _now() -> datetime:
    return datetime.now(UTC)
