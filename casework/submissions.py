"""One record per form, however many times it is sent (double click, a resent request).

Every create form carries a one-time token in a hidden field ``submission``, fresh on each
form page (``submission_token``). The view creates its record inside ``submit_once``: the
token is claimed there as a ``Submission`` row in the same transaction as the record, and the
row remembers the URL of the result. A second POST with the same token is sent to that URL
(``replay``) and creates nothing; two POSTs at the same moment are settled by the token's
unique key (the loser's transaction rolls back and it is sent to the winner's result). A
failed creation rolls the claim back with it, so the corrected form can be sent with the same
token. A POST without a token (an old page, a script) is handled as before.
(docs/decisions/0007-case-integrity.md)
"""

import contextlib
import uuid

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from casework.models import Submission

FIELD = "submission"


class AlreadySubmitted(Exception):
    pass


def _posted_token(request):
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def submission_token(request) -> str:
    """The token for the form on this page: the posted one when the form comes back with
    errors (it was not used), a fresh one otherwise."""
    token = _posted_token(request) if request.method == "POST" else None
    return str(token or uuid.uuid4())


def replay(request):
    """The redirect to the first result when this token was already used by this user, else None."""
    token = _posted_token(request)
    if request.method != "POST" or token is None:
        return None
    done = Submission.objects.filter(token=token, user=request.user).exclude(result_url="").first()
    if done is None:
        return None
    messages.info(request, _("This form had already been sent; it was saved once."))
    return redirect(done.result_url)


class _Claim:
    def __init__(self, submission):
        self.submission = submission

    def done(self, url):
        """Record where the created record is shown; returns ``url``."""
        if self.submission is not None:
            self.submission.result_url = url
            self.submission.save(update_fields=["result_url"])
        return url


@contextlib.contextmanager
def submit_once(request):
    """``with submit_once(request) as claim: …create…; claim.done(url)`` in one transaction.

    Raises AlreadySubmitted when another request holds the token (call ``replay`` then)."""
    token = _posted_token(request)
    with transaction.atomic():
        submission = None
        if token is not None:
            try:
                with transaction.atomic():
                    submission = Submission.objects.create(token=token, user=request.user)
            except IntegrityError:
                raise AlreadySubmitted from None
        yield _Claim(submission)
