"""The Celery application, configured from Django's settings (CELERY_* names).

Without ``REDIS_URL`` every task runs eagerly in the calling process (``make run``, tests
without Redis). With it: a real broker, tasks acknowledged only after they finish
(``acks_late``) and re-queued if a worker dies mid-task (``reject_on_worker_lost``), so no
task is lost. Tasks receive ids only, never personal values: the broker is not encrypted.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")

app = Celery("casework")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
