from celery import shared_task


@shared_task(name="casework.ping")
def ping():
    """A task with no side effect: used by /healthz-style checks and the worker smoke tests."""
    return "pong"


@shared_task(name="casework.purge_expired_cases")
def purge_expired_cases():
    from casework.services.retention import purge_expired_cases as purge

    return purge()
