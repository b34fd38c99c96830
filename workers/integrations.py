"""The integrations worker bundle: call follow-ups, deliveries and their activities, on their own task queue.

A webhook that hangs or a mail server that is down occupies only this queue's workers, never the voice loop's.
"""

from __future__ import annotations

from activities.call_costs import CallPricePort, CostActivities, NoCarrierPrices, TwilioCallPrices, rates_from
from activities.delivery import DeliveryActivities
from activities.delivery_send import Sender
from activities.integrations_config import PostgresIntegrationsForCall
from activities.notify import ChannelNotifier, channels_for
from domain.integrations.retry import RetrySchedule
from infra.secrets_box import SecretBox
from infra.settings import Settings
from infra.temporal import queues
from workers.bundle import WorkerBundle, WorkerDeps
from workflows.call_followup import CallFollowUpWorkflow
from workflows.delivery import DeliveryWorkflow


def delivery_schedule(settings: Settings) -> RetrySchedule:
    """The deployment's retry schedule (REVOS_DELIVERY_*)."""
    return RetrySchedule(initial_seconds=settings.delivery_initial_backoff_seconds,
                         backoff_max_seconds=settings.delivery_backoff_max_seconds,
                         max_attempts=settings.delivery_max_attempts,
                         max_age_seconds=settings.delivery_max_age_seconds)


def call_prices(settings: Settings) -> CallPricePort:
    """Twilio's price of each completed call when keys are set; else none (telephony from the rates)."""
    if settings.twilio_account_sid and settings.twilio_auth_token:
        return TwilioCallPrices(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value(),
                                base_url=settings.twilio_api_base_url)
    return NoCarrierPrices()


def integrations_bundle(deps: WorkerDeps) -> WorkerBundle:
    s = deps.settings
    channels = channels_for(s, deps.engine)
    box = SecretBox(s.secrets_key.get_secret_value()) if s.secrets_key else None
    sender = Sender(deps.engine, channels, box, organizer=s.smtp_sender, slot_minutes=s.calendar_slot_minutes)
    activities = DeliveryActivities(deps.engine, PostgresIntegrationsForCall(deps.engine), sender,
                                    ChannelNotifier(channels), schedule=delivery_schedule(s),
                                    task_queue=s.queue(queues.INTEGRATIONS),
                                    attempt_timeout=s.delivery_attempt_timeout_seconds)
    costs = CostActivities(deps.engine, rates_from(s), call_prices(s))
    return WorkerBundle(
        task_queue=queues.INTEGRATIONS,
        workflows=[CallFollowUpWorkflow, DeliveryWorkflow],
        activities=[activities.plan_deliveries, activities.attempt, activities.record, activities.notify,
                    costs.record_call_cost],
    )
