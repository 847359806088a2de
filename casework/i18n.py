from django.utils.translation import get_language


def localized(obj, field="name"):
    """The French, Dutch or English variant of ``obj.<field>_<lang>`` for the active language."""
    lang = (get_language() or "fr")[:2]
    if lang not in ("fr", "nl", "en"):
        lang = "en"
    return getattr(obj, f"{field}_{lang}") or getattr(obj, f"{field}_en")
