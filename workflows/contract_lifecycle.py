"""ContractLifecycleWorkflow: the charter's 10 steps for one issue, durable end to end.

Steps 1-4 run straight through; step 5 waits for founder UPDATES (validated before they are
accepted) or the draft TTL; steps 6-10 live in workflows/governance_execution.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.governance import contracts as rules
    from domain.governance.changes import parse_changes
    from domain.governance.commands import (
        ApproveContract,
        CheckScope,
        ClarifyContract,
        ContractState,
        CreateDraft,
        DecisionResult,
        EligibilityCommand,
        FounderCommand,
        IssueRef,
        LifecyclePolicy,
        LifecycleResult,
        ModifyScope,
        RejectContract,
        ResolveAudit,
        Transition,
    )
    from domain.governance.contracts import ContractStatus, FounderAction
    from domain.governance.eligibility import EligibilityVerdict
    from domain.governance.validator import ValidatedProposal
    from infra.temporal.search_attributes import STATUS
    from workflows import governance_execution as execution
    from workflows.governance_execution import act


class ContractLifecycleInput(BaseModel):
    issue_id: UUID
    policy: LifecyclePolicy


@workflow.defn
class ContractLifecycleWorkflow:
    def __init__(self) -> None:
        self.contract: ContractState | None = None
        self.policy: LifecyclePolicy | None = None
        self.issue_id: UUID | None = None
        self.decision: str | None = None  # approve | reject
        self.resolution: ResolveAudit | None = None
        self.busy = False

    @workflow.run
    async def run(self, inp: ContractLifecycleInput) -> LifecycleResult:
        self.policy, self.issue_id = inp.policy, inp.issue_id
        proposal = await act("validate_issue", IssueRef(issue_id=inp.issue_id), ValidatedProposal)
        self.set_status("VALIDATED")
        verdict = await act("check_eligibility", EligibilityCommand(
            issue_id=inp.issue_id, proposal=proposal, threshold=inp.policy.confidence_threshold,
            manual_triage_types=inp.policy.manual_triage_types, event_id=workflow.uuid4()), EligibilityVerdict)
        if verdict.decision == "MAY_NOT":
            self.set_status("INELIGIBLE")
            return LifecycleResult(issue_id=inp.issue_id, contract_id=None, status="INELIGIBLE", eligibility=verdict)
        await self.draft({"changes": [c.model_dump() for c in proposal.proposed_changes]}, None, None)
        if await self.founder_review():
            await execution.execute(self, inp.policy)
        assert self.contract is not None
        return LifecycleResult(issue_id=inp.issue_id, contract_id=self.contract.id, status=self.contract.status,
                               eligibility=verdict)

    def set_status(self, status: str) -> None:
        workflow.upsert_search_attributes([STATUS.value_set(status)])

    async def draft(self, changes: dict[str, Any], supersedes: UUID | None, cmd: ModifyScope | None) -> None:
        assert self.policy is not None and self.issue_id is not None
        version = 1 if self.contract is None else self.contract.version + 1
        self.contract = await act("create_draft", CreateDraft(
            issue_id=self.issue_id, contract_id=workflow.uuid4(), version=version, proposed_changes=changes,
            created_at=workflow.now(), ttl_seconds=self.policy.draft_ttl_seconds, supersedes_id=supersedes,
            decided_by=cmd.founder_id if cmd else None, note=cmd.note if cmd else None), ContractState)
        self.set_status(ContractStatus.DRAFT)

    async def founder_review(self) -> bool:
        """Wait for approve/reject; True when approved. The TTL is a durable timer per version."""
        while True:
            assert self.contract is not None
            current = self.contract.id

            def moved(current: UUID = current) -> bool:
                return self.decision is not None or self.contract is None or self.contract.id != current
            remaining = (self.contract.expires_at - workflow.now()).total_seconds()
            if remaining > 0:
                try:
                    await workflow.wait_condition(moved, timeout=timedelta(seconds=remaining))
                except TimeoutError:
                    pass
            await workflow.wait_condition(lambda: not self.busy)
            if self.decision is not None:
                return self.decision == "approve"
            if self.contract.id == current and workflow.now() >= self.contract.expires_at:
                self.busy = True
                await self.transition(ContractStatus.EXPIRED, "contract.expired",
                                      {"expired_at": workflow.now().isoformat()})
                self.busy = False
                return False

    async def transition(self, status: ContractStatus, event_type: str, payload: dict[str, Any],
                         by: UUID | None = None, **extra: Any) -> None:
        assert self.contract is not None
        self.contract = await act("transition_contract", Transition(
            contract_id=self.contract.id, to_status=status, event_type=event_type, event_id=workflow.uuid4(),
            at=workflow.now(), by=by, payload=payload, **extra), ContractState)
        self.set_status(status)

    def refuse_unless(self, action: FounderAction, cmd: FounderCommand) -> None:
        """Update validator: refuses before the update is accepted (nothing is recorded)."""
        if cmd.founder_role != "founder":
            raise ApplicationError("only the founder decides contracts", type="founder_only", non_retryable=True)
        if self.contract is None:
            raise ApplicationError("no contract drafted yet", type="contract_not_found", non_retryable=True)
        if self.busy:
            raise ApplicationError("another decision is being recorded", type="contract_busy", non_retryable=True)
        refusal = rules.refusal_for(action, self.contract.status, now=workflow.now(),
                                    expires_at=self.contract.expires_at, current=cmd.contract_id == self.contract.id)
        if refusal is not None:
            raise ApplicationError(refusal.message, type=refusal.code, non_retryable=True)

    def result(self) -> DecisionResult:
        assert self.contract is not None
        return DecisionResult(contract_id=self.contract.id, status=self.contract.status, version=self.contract.version)

    @workflow.update
    async def approve(self, cmd: ApproveContract) -> DecisionResult:
        self.busy = True
        try:
            assert self.policy is not None
            window = rules.activation_window(workflow.now(), self.policy.activation_delay_seconds,
                                             self.policy.activation_window_seconds)
            constraints = cmd.execution_constraints or rules.ExecutionConstraints(
                step_interval_seconds=self.policy.step_interval_seconds)
            await self.transition(ContractStatus.APPROVED, "contract.approved", {"note": cmd.note},
                                  by=cmd.founder_id, window=window, constraints=constraints)
            self.decision = "approve"
            return self.result()
        finally:
            self.busy = False

    @approve.validator
    def validate_approve(self, cmd: ApproveContract) -> None:
        self.refuse_unless("approve", cmd)
        assert self.contract is not None
        steps = len(self.contract.proposed_changes.get("changes", []))
        if cmd.execution_constraints and cmd.execution_constraints.max_steps < steps:
            raise ApplicationError(f"max_steps={cmd.execution_constraints.max_steps} is fewer than the "
                                   f"contract's {steps} steps", type="invalid_constraints", non_retryable=True)

    @workflow.update
    async def reject(self, cmd: RejectContract) -> DecisionResult:
        self.busy = True
        try:
            await self.transition(ContractStatus.REJECTED, "contract.rejected", {"reason": cmd.reason},
                                  by=cmd.founder_id)
            self.decision = "reject"
            return self.result()
        finally:
            self.busy = False

    @reject.validator
    def validate_reject(self, cmd: RejectContract) -> None:
        self.refuse_unless("reject", cmd)

    @workflow.update
    async def clarify(self, cmd: ClarifyContract) -> DecisionResult:
        self.busy = True
        try:
            await self.transition(ContractStatus.DRAFT, "contract.clarification_requested",
                                  {"question": cmd.question}, by=cmd.founder_id)
            return self.result()
        finally:
            self.busy = False

    @clarify.validator
    def validate_clarify(self, cmd: ClarifyContract) -> None:
        self.refuse_unless("clarify", cmd)

    @workflow.update
    async def modify_scope(self, cmd: ModifyScope) -> DecisionResult:
        self.busy = True
        try:
            assert self.contract is not None
            old = self.contract.id
            await act("check_scope", CheckScope(contract_id=old, proposed_changes=cmd.proposed_changes), object)
            await self.transition(ContractStatus.SUPERSEDED, "contract.superseded", {"note": cmd.note},
                                  by=cmd.founder_id)
            await self.draft(cmd.proposed_changes, old, cmd)
            return self.result()
        finally:
            self.busy = False

    @modify_scope.validator
    def validate_modify_scope(self, cmd: ModifyScope) -> None:
        self.refuse_unless("modify_scope", cmd)
        try:
            parse_changes(cmd.proposed_changes)
        except Exception as exc:
            raise ApplicationError(str(exc), type="invalid_proposed_changes", non_retryable=True) from exc

    @workflow.update
    async def resolve_audit(self, cmd: ResolveAudit) -> DecisionResult:
        self.resolution = cmd
        await workflow.wait_condition(
            lambda: self.contract is not None and self.contract.status != ContractStatus.AUDIT_INCONCLUSIVE)
        return self.result()

    @resolve_audit.validator
    def validate_resolve_audit(self, cmd: ResolveAudit) -> None:
        self.refuse_unless("resolve_audit", cmd)
        if self.resolution is not None:
            raise ApplicationError("the audit is already being resolved", type="contract_busy", non_retryable=True)

    @workflow.query
    def state(self) -> ContractState | None:
        return self.contract

