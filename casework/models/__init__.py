from casework.models.teams import Role, Team  # noqa: F401
from casework.models.cases import (  # noqa: F401
    Assignment,
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    ClosureReason,
    Place,
    ReferenceCounter,
    Session,
    SessionKind,
)
