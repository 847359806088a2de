from casework.models.choices import ChoiceLabels  # noqa: F401
from casework.models.teams import AccountState, Role, Team  # noqa: F401
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
from casework.models.integrity import RecoveryCode, Submission  # noqa: F401
