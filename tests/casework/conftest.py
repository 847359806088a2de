import pytest

from casework.models import Case


def open_case_assigned_to(username, *, only=True):
    """An open seeded case assigned to ``username`` (and, with ``only``, to nobody else)."""
    cases = Case.objects.open().filter(assignments__worker__username=username)
    for case in cases.order_by("reference"):
        if not only or case.assignments.count() == 1:
            return case
    raise LookupError(f"no open case assigned only to {username}")


@pytest.fixture
def scapi_case(db):
    """An open SCAPI case assigned to worker.scapi only."""
    return open_case_assigned_to("worker.scapi")


@pytest.fixture
def scav_case(db):
    return open_case_assigned_to("worker.scav")
