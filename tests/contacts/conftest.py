import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _language_back_to_default():
    """A test-client request leaves its language active in the thread; the next test module
    (management commands speak LANGUAGE_CODE) must not inherit it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
