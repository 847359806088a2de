from casework.workspaces import workspaces_for


def workspaces(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"workspaces": []}
    return {"workspaces": workspaces_for(user)}
