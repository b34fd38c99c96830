"""ContractLifecycleWorkflow: one issue's governed change, durable end to end.

Validation, eligibility and the draft run straight through; the founder's review waits for UPDATES
(validated, signature included, before they are accepted) or the draft's expiry. Once approved, the
execution phase (workflows/contract_execution.py) takes the contract's scopes, runs the job through the
capabilities' executors, and lets health and audit decide rollout or rollback; a FAIL always rolls back.
Histories recorded before the governed-change-v2 patch replay through workflows/contract_legacy.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

from temporalio import workflow

from workflows.contract_execution import ContractExecution
from workflows.contract_legacy import LegacyExecution
from workflows.lifecycle_base import local

with workflow.unsafe.imports_passed_through():
    from activities.governance import GovernanceActivities
    from domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
    from domain.governance import approvals
    from domain.governance import contracts as rules
    from domain.governance.approvals import ApprovalClaims
    from domain.governance.changes import parse_changes
    from domain.governance.contracts import ContractStatus, FounderAction
    from domain.governance.messages import (
        AnswerClarification,
        ApproveContract,
        CheckScope,
        ClarifyContract,
        ContractLifecycleInput,
        ContractState,
        CreateDraft,
        DecisionResult,
        EligibilityCommand,
        FounderCommand,
        IssueRef,
        LifecycleResult,
        ModifyScope,
        RejectContract,
        ResolveAudit,
    )
    from infra.temporal import approval_keys

# Lifecycles started with this marker run the v2 execution (scopes, executors, measured health,
# notifications); older histories replay the legacy one.
V2 = "governed-change-v2"


@workflow.defn
class ContractLifecycleWorkflow(ContractExecution, LegacyExecution):
    def __init__(self) -> None:
        super().__init__()
        self.v2 = False
        self.open_question: str | None = None  # the founder's clarify, until the issue's source answers
        self.announced: set[UUID] = set()  # draft versions the founder was told about
        self.reminded: set[UUID] = set()  # ... and reminded of before they expire

    @workflow.run
    async def run(self, inp: ContractLifecycleInput) -> LifecycleResult:
        self.policy, self.issue_id = inp.policy, inp.issue_id
        self.v2 = workflow.patched(V2)
        proposal = await local(GovernanceActivities.validate_issue, IssueRef(issue_id=inp.issue_id))
        self.set_status("VALIDATED")
        verdict = await local(GovernanceActivities.check_eligibility, EligibilityCommand(
            issue_id=inp.issue_id, proposal=proposal, threshold=inp.policy.confidence_threshold,
            manual_triage_types=inp.policy.manual_triage_types, event_id=workflow.uuid4()))
        if verdict.decision == "MAY_NOT":
            self.set_status("INELIGIBLE")
            return LifecycleResult(issue_id=inp.issue_id, contract_id=None, status="INELIGIBLE", eligibility=verdict)
        await self.draft({"changes": [c.model_dump() for c in proposal.proposed_changes]}, None, None)
        if await self.founder_review():
            await (self._execute(inp.policy) if self.v2 else self._execute_v1(inp.policy))
        assert self.contract is not None
        return LifecycleResult(issue_id=inp.issue_id, contract_id=self.contract.id, status=self.contract.status,
                               eligibility=verdict)

    async def draft(self, changes: dict[str, Any], supersedes: UUID | None, cmd: ModifyScope | None) -> None:
        assert self.policy is not None and self.issue_id is not None
        version = 1 if self.contract is None else self.contract.version + 1
        self.contract = await local(GovernanceActivities.create_draft, CreateDraft(
            issue_id=self.issue_id, contract_id=workflow.uuid4(), version=version, proposed_changes=changes,
            created_at=workflow.now(), ttl_seconds=self.policy.draft_ttl_seconds, supersedes_id=supersedes,
            decided_by=cmd.founder_id if cmd else None, note=cmd.note if cmd else None))
        self.open_question = None  # a question about the old scope is moot
        self.set_status(ContractStatus.DRAFT)

    async def founder_review(self) -> bool:
        """Wait for approve/reject; True when approved. The expiry is a durable timer per draft version."""
        while True:
            assert self.contract is not None
            current = self.contract.id

            def moved(current: UUID = current) -> bool:
                return self.decision is not None or self.contract is None or self.contract.id != current
            if self.v2:
                await self.announce(current, moved)
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

    async def announce(self, current: UUID, moved: Callable[[], bool]) -> None:
        """Tell the founder a draft waits; remind them before it expires (if the TTL leaves room for it)."""
        assert self.contract is not None and self.policy is not None
        if current not in self.announced:
            self.announced.add(current)
            await self.notify("draft_created", due=self.contract.expires_at)
        lead = self.policy.draft_reminder_seconds
        if current in self.reminded or not 0 < lead < self.policy.draft_ttl_seconds:
            return
        wait = (self.contract.expires_at - timedelta(seconds=lead) - workflow.now()).total_seconds()
        if wait > 0:
            try:
                await workflow.wait_condition(moved, timeout=timedelta(seconds=wait))
                return
            except TimeoutError:
                pass
        if not moved():
            self.reminded.add(current)
            await self.notify("draft_expiring", due=self.contract.expires_at)

    def refuse_unless(self, action: FounderAction, cmd: FounderCommand) -> None:
        """Update validator: refuses before the update is accepted (nothing is recorded)."""
        if cmd.founder_role != "founder":
            raise PermissionDenied("only the founder decides contracts", code="founder_only")
        if self.contract is None:
            raise NotFound("no contract drafted yet", code="contract_not_found")
        if self.busy:
            raise Conflict("another decision is being recorded", code="contract_busy")
        rules.check_decision(action, self.contract.status, now=workflow.now(), expires_at=self.contract.expires_at,
                             current=cmd.contract_id == self.contract.id)
        self.refuse_unsigned(action, cmd)

    def refuse_unsigned(self, action: FounderAction, cmd: FounderCommand) -> None:
        """The decision must carry the API's signature over this founder, action and contract version."""
        assert self.policy is not None and self.contract is not None
        key_id = self.policy.approval_key_id or (cmd.approval.key_id if cmd.approval else "")
        expected = ApprovalClaims(key_id=key_id or "none", action=action, founder_id=cmd.founder_id,
                                  contract_id=cmd.contract_id, version=self.contract.version,
                                  expires_at=workflow.now())
        approvals.verify(cmd.approval, approval_keys.secret_for(key_id), expected, workflow.now())

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
            raise InvalidInput(f"max_steps={cmd.execution_constraints.max_steps} is fewer than the "
                               f"contract's {steps} steps", code="invalid_constraints")

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
            self.open_question = cmd.question
            return self.result()
        finally:
            self.busy = False

    @clarify.validator
    def validate_clarify(self, cmd: ClarifyContract) -> None:
        self.refuse_unless("clarify", cmd)

    @workflow.update
    async def answer_clarification(self, cmd: AnswerClarification) -> DecisionResult:
        self.busy = True
        try:
            question, self.open_question = self.open_question, None
            await self.transition(ContractStatus.DRAFT, "contract.clarification_answered",
                                  {"question": question, "answer": cmd.answer, "role": cmd.role,
                                   "answered_by": str(cmd.answered_by)})
            await self.notify("clarification_answered", details={"question": question, "answer": cmd.answer})
            return self.result()
        finally:
            self.busy = False

    @answer_clarification.validator
    def validate_answer_clarification(self, cmd: AnswerClarification) -> None:
        if cmd.role not in ("service", "operator"):
            raise PermissionDenied("the issue's source (a service or an operator) answers", code="source_only")
        if self.contract is None:
            raise NotFound("no contract drafted yet", code="contract_not_found")
        if self.busy:
            raise Conflict("another decision is being recorded", code="contract_busy")
        rules.check_decision("clarify", self.contract.status, now=workflow.now(),
                             expires_at=self.contract.expires_at, current=cmd.contract_id == self.contract.id)
        if self.open_question is None:
            raise Conflict("the founder has asked nothing about this draft", code="no_open_question")

    @workflow.update
    async def modify_scope(self, cmd: ModifyScope) -> DecisionResult:
        self.busy = True
        try:
            assert self.contract is not None
            old = self.contract.id
            await local(GovernanceActivities.check_scope, CheckScope(contract_id=old,
                                                                      proposed_changes=cmd.proposed_changes))
            await self.transition(ContractStatus.SUPERSEDED, "contract.superseded", {"note": cmd.note},
                                  by=cmd.founder_id)
            await self.draft(cmd.proposed_changes, old, cmd)
            return self.result()
        finally:
            self.busy = False

    @modify_scope.validator
    def validate_modify_scope(self, cmd: ModifyScope) -> None:
        self.refuse_unless("modify_scope", cmd)
        parse_changes(cmd.proposed_changes)

    @workflow.update
    async def resolve_audit(self, cmd: ResolveAudit) -> DecisionResult:
        self.resolution = cmd
        await workflow.wait_condition(
            lambda: self.contract is not None and self.contract.status != ContractStatus.AUDIT_INCONCLUSIVE)
        return self.result()

    @resolve_audit.validator
    def validate_resolve_audit(self, cmd: ResolveAudit) -> None:
        if self.deadline_passed:
            raise Conflict("the audit's deadline passed; the change is being rolled back", code="audit_deadline_passed")
        self.refuse_unless("resolve_audit", cmd)
        if self.resolution is not None:
            raise Conflict("the audit is already being resolved", code="contract_busy")

    @workflow.query
    def state(self) -> ContractState | None:
        return self.contract
