"""Celery tasks of the plan: ids in, the service does the work (no logic of their own)."""

import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from casework.plan.models import ComputationRun, PlanYear
from casework.plan.pages import year_body_prefill
from casework.plan.services import indicators_compute

log = logging.getLogger(__name__)


@shared_task(name="plan.compute_indicators")
def compute_indicators(plan_year_id, actor_id=None):
    """Recompute one plan year, as asked by a coordinator (``actor_id``) or the schedule."""
    plan_year = PlanYear.objects.filter(pk=plan_year_id).first()
    if plan_year is None:
        log.warning("plan.compute_indicators: plan year %s no longer exists", plan_year_id)
        return None
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    trigger = ComputationRun.Trigger.REQUEST if actor else ComputationRun.Trigger.SCHEDULE
    run = indicators_compute(year=plan_year.year, actor=actor, trigger=trigger)
    year_body_prefill(plan_year)
    return run.values_written


@shared_task(name="plan.compute_indicators_current_year")
def compute_indicators_current_year():
    """Nightly (CELERY_BEAT_SCHEDULE): this year's figures, so the page is never older than a day."""
    plan_year = PlanYear.objects.filter(year=timezone.localdate().year).first()
    if plan_year is None:
        log.warning("plan.compute_indicators_current_year: no plan for %s; copy last year's plan first", timezone.localdate().year)
        return None
    run = indicators_compute(year=plan_year.year, trigger=ComputationRun.Trigger.SCHEDULE)
    year_body_prefill(plan_year)
    return run.values_written
