"""The governance worker bundle, and a standalone governance-only worker (`python -m workers.governance_worker`).

The standalone process honours REVOS_TASK_QUEUE_SUFFIX, so tests can run it as a subprocess
on their own queue and kill it (the crash test).
"""

from __future__ import annotations

import asyncio
import logging
import signal

from activities.governance import GovernanceActivities
from activities.governance_health import AuditActivities, PlatformHealthService
from activities.governance_jobs import CapabilityStateStore, JobActivities
from activities.governance_notify import IncidentActivities, notifier_for
from domain.governance.validator import RuleBasedValidator
from infra.temporal import queues
from workers.registry import WorkerBundle, WorkerDeps
from workflows.contract_lifecycle import ContractLifecycleWorkflow


def governance_bundle(deps: WorkerDeps) -> WorkerBundle:
    engine = deps.engine
    core = GovernanceActivities(engine, RuleBasedValidator())
    jobs = JobActivities(engine, CapabilityStateStore(engine))
    health = PlatformHealthService(engine)
    auditor = AuditActivities(engine)
    incidents = IncidentActivities(engine, notifier_for(deps.settings))
    return WorkerBundle(
        task_queue=queues.GOVERNANCE,
        workflows=[ContractLifecycleWorkflow],
        activities=[core.validate_issue, core.check_eligibility, core.check_scope, core.create_draft,
                    core.transition_contract, jobs.start_job, jobs.apply_job_step, jobs.finish_job,
                    health.evaluate_health, auditor.record_audit, auditor.record_resolution,
                    incidents.raise_incident],
    )


async def _main() -> None:
    from infra.db.engine import make_engine
    from infra.settings import Settings
    from infra.temporal.client import connect
    from workers.temporal_worker import build_workers

    settings = Settings()
    assert settings.database_url, "REVOS_DATABASE_URL is required"
    engine = make_engine(settings.database_url, pool_size=4)
    client = await connect(settings.temporal_address or f"127.0.0.1:{settings.temporal_port}",
                           settings.temporal_namespace)
    deps = WorkerDeps(settings=settings, engine=engine, client=client)
    (worker,) = build_workers(deps, queue_suffix=settings.task_queue_suffix,
                              bundle_names=["workers.governance_worker:governance_bundle"])
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with worker:
        print(f"governance worker polling {worker.task_queue}", flush=True)
        await stop.wait()
    await engine.dispose()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_main())
