from tests.casework.conftest import scapi_case, scav_case  # noqa: F401
