"""SpendRefreshWorkflow: one tenant's day so far rolled up again, right after something that costs was ingested.

The API signals-with-start it (one per tenant) after dialer calls, hours and bonuses; pokes that arrive
while it works make it go once more, so a burst of ingestion is one or two refreshes, not one each.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.capital import CapitalActivities
    from domain.capital.messages import RollupCommand, RollupResult, SpendPoke, SpendRefreshInput
    from workflows.cost_rollup import ROLLUP_RETRY, ROLLUP_TIMEOUT, signal_spend

MAX_ROUNDS = 200  # then a fresh run (continue-as-new keeps the history short under steady ingestion)


@workflow.defn
class SpendRefreshWorkflow:
    def __init__(self) -> None:
        self._pending = True

    @workflow.run
    async def run(self, data: SpendRefreshInput) -> RollupResult | None:
        result: RollupResult | None = None
        for _ in range(MAX_ROUNDS):
            if not self._pending:
                return result
            self._pending = False
            command = RollupCommand(day=None, at=workflow.now(), tenant_id=data.tenant_id, live=True)
            result = await workflow.execute_activity_method(CapitalActivities.rollup_costs, command,
                                                            start_to_close_timeout=ROLLUP_TIMEOUT,
                                                            retry_policy=ROLLUP_RETRY)
            await signal_spend(result)
        if self._pending:
            workflow.continue_as_new(data)
        return result

    @workflow.signal
    def poke(self, poke: SpendPoke) -> None:
        self._pending = True
