"""The kernel's worker bundle: KernelCycleWorkflow and its activities on the kernel task queue."""

from __future__ import annotations

from activities.kernel import KernelActivities
from activities.kernel_issues import GovernanceIssueFiler
from infra.db.kernel_facts import CapitalCampaigns
from infra.temporal import queues
from workers.bundle import WorkerBundle, WorkerDeps
from workflows.kernel_cycle import KernelCycleWorkflow


def kernel_bundle(deps: WorkerDeps) -> WorkerBundle:
    filer = GovernanceIssueFiler(deps.engine, deps.client, deps.settings)
    acts = KernelActivities(deps.engine, CapitalCampaigns(), filer)
    return WorkerBundle(task_queue=queues.KERNEL, workflows=[KernelCycleWorkflow],
                        activities=[acts.run_cycle, acts.file_actions])
