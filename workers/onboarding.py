"""The onboarding worker bundle: TenantOnboardingWorkflow and its activities on the ONBOARDING queue."""

from __future__ import annotations

from activities.onboarding import OnboardingActivities
from activities.onboarding_stress import OnboardingStressActivities
from activities.phone_numbers import build_number_provider
from activities.smoke_calls import SmokeDialer
from activities.stress_calls import StressDialer
from infra.temporal import queues
from workers.bundle import WorkerBundle, WorkerDeps
from workflows.tenant_onboarding import TenantOnboardingWorkflow


def onboarding_bundle(deps: WorkerDeps) -> WorkerBundle:
    smoke = SmokeDialer(deps.engine, deps.settings)
    acts = OnboardingActivities(deps.engine, deps.settings, build_number_provider(deps.settings), smoke)
    stress = OnboardingStressActivities(deps.engine, deps.settings, StressDialer(deps.engine, smoke))
    return WorkerBundle(task_queue=queues.ONBOARDING, workflows=[TenantOnboardingWorkflow],
                        activities=[acts.validate, acts.compile, acts.pin, acts.bind_numbers, acts.smoke_call,
                                    acts.record_smoke, stress.stress_plan, stress.stress_call, stress.record_stress,
                                    acts.activate])
