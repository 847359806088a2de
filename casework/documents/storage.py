"""Where document blobs live: Django's ``STORAGES["documents"]`` (a directory in development,
an S3-compatible bucket through django-storages in production; CASEWORK_DOCUMENT_STORAGE)."""

from django.core.files.storage import storages


def document_storage():
    return storages["documents"]
