"""The production storage: an S3-compatible bucket through django-storages, served by moto's
in-process S3 (no network). Only ciphertext reaches the bucket."""

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto import mock_aws

from audit.services import SYSTEM
from casework.documents.services import document_blobs_sweep, document_plaintext, document_upload
from tests.documents.conftest import PDF_CANARY


@pytest.fixture
def bucket(settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-1")
        client.create_bucket(Bucket="casework-docs", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        settings.STORAGES = {**settings.STORAGES, "documents": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": "casework-docs", "location": "prod", "file_overwrite": False, "default_acl": None,
            "region_name": "eu-west-1"}}}
        yield client


def test_a_document_round_trips_through_an_s3_bucket_as_ciphertext(scav_case, bucket, canary_pdf):
    document = document_upload(actor=scav_case.assignments.first().worker, origin=SYSTEM, case=scav_case,
                               upload=SimpleUploadedFile("vonnis.pdf", canary_pdf))
    (key,) = [obj["Key"] for obj in bucket.list_objects_v2(Bucket="casework-docs")["Contents"]]
    assert key == f"prod/{document.blob_name}"
    stored = bucket.get_object(Bucket="casework-docs", Key=key)["Body"].read()
    assert PDF_CANARY.encode() not in stored and b"%PDF" not in stored and b"vonnis" not in stored
    assert b"".join(document_plaintext(document)) == canary_pdf
    assert document_blobs_sweep() == []  # the only object has its row
