"""The governance worker bundle, and a standalone governance-only worker (`python -m workers.governance_worker`).

The standalone process honours REVOS_TASK_QUEUE_SUFFIX, so tests can run it as a subprocess
on their own queue and kill it (the crash test).
"""

from __future__ import annotations

import asyncio
import logging
import signal

from temporalio.client import Client

from activities.governance import GovernanceActivities
from activities.governance_executors import deployment_executors
from activities.governance_health import AuditActivities, PlatformHealthService
from activities.governance_jobs import JobActivities
from activities.governance_notify import IncidentActivities, founder_notifications
from activities.governance_scope import ScopeActivities
from activities.voice_configs import voice_settings_executor
from domain.governance.validator import RuleBasedValidator
from infra.approval_secret import approval_secret
from infra.temporal import approval_keys, queues
from workers.bundle import WorkerBundle, WorkerDeps, build_workers
from workflows.contract_lifecycle import ContractLifecycleWorkflow


def governance_bundle(deps: WorkerDeps) -> WorkerBundle:
    # The lifecycle's update validators verify founder approvals with this key (never sent to Temporal).
    approval_keys.install(approval_secret(deps.settings))
    engine = deps.engine

    async def client() -> Client:
        return deps.client

    voice = voice_settings_executor(engine, deps.settings, client)
    executors = deployment_executors(deps.settings.kernel_analysis_window_days, voice=voice)
    core = GovernanceActivities(engine, RuleBasedValidator(), executors)
    jobs = JobActivities(engine, executors.job_port())
    health = PlatformHealthService(engine, executors)
    auditor = AuditActivities(engine)
    incidents = IncidentActivities(engine, founder_notifications(deps.settings, engine))
    scopes = ScopeActivities(engine)
    return WorkerBundle(
        task_queue=queues.GOVERNANCE,
        workflows=[ContractLifecycleWorkflow],
        activities=[core.validate_issue, core.check_eligibility, core.check_scope, core.create_draft,
                    core.transition_contract, jobs.start_job, jobs.apply_job_step, jobs.finish_job,
                    health.measure_baseline, health.evaluate_health, auditor.record_audit, auditor.record_resolution,
                    incidents.raise_incident, incidents.notify_founder, scopes.claim_scope, scopes.release_scope],
    )


async def _main() -> None:
    from infra.db.engine import make_engine
    from infra.settings import Settings
    from infra.temporal.client import connect

    settings = Settings()
    assert settings.database_url, "REVOS_DATABASE_URL is required"
    engine = make_engine(settings.database_url, pool_size=4)
    client = await connect(settings.temporal_target, settings.temporal_namespace)
    deps = WorkerDeps(settings=settings, engine=engine, client=client)
    (worker,) = build_workers(deps, [governance_bundle], queue_suffix=settings.task_queue_suffix)
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
