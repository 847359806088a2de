import pytest

from casework.documents import demo
from tests.casework.conftest import open_case_assigned_to

PDF_CANARY = "CANARY-Jugement-Zwartberg-4471"


@pytest.fixture
def storage_dir(tmp_path, settings):
    """Documents written by a test go to a fresh directory, scanned by the leak tests."""
    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "documents")}}}
    return tmp_path / "documents"


@pytest.fixture
def scav_case(db):
    return open_case_assigned_to("worker.scav")


@pytest.fixture
def canary_pdf():
    return demo.pdf(PDF_CANARY, ["Tribunal correctionnel de Bruxelles", PDF_CANARY * 3])
