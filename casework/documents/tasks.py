from celery import shared_task


@shared_task(name="documents.sweep_orphan_blobs")
def sweep_orphan_blobs():
    """Nightly: delete encrypted files that no document row points to (older than an hour)."""
    from casework.documents.services import document_blobs_sweep

    return len(document_blobs_sweep())
