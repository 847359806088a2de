"""Views of the partners app. Cases come through casework.access.get_case_for_user (404 and
an audit event for anyone else); lead-only actions also pass casework.access.require_lead."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.actions import Action
from audit.services import Origin
from casework import access
from casework.services.cases import StaleVersion, case_event_record
from casework.teams import details_form_for
from casework.partners import forms, selectors, services
from casework.partners.models import Consent, FileLink, Partner, PartnerReferral, TeamReferral


def _origin(request):
    return Origin.from_request(request)


def _add_errors(form, exc):
    """A service's ValidationError on the form: on its field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# Partner directory --------------------------------------------------------------------------

def _require_directory_keeper(request):
    roles = access.roles_of(request.user)
    if not (roles.lead_teams or roles.coordinator):
        access.refuse(request, target_type="partner", target_id="directory", reason="not lead or coordinator")


@login_required
def directory(request):
    _require_directory_keeper(request)
    return render(request, "partners/directory.html", {"partners": Partner.objects.all()})


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request, partner_id=None):
    _require_directory_keeper(request)
    partner = None
    if partner_id is not None:
        partner = Partner.objects.filter(pk=partner_id).first()
        if partner is None:
            access.refuse(request, target_type="partner", target_id=partner_id, reason="missing")
    form = forms.PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_save(actor=request.user, origin=_origin(request), partner=partner, values=form.field_values())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The partner directory is saved."))
            return redirect("partners:directory")
    return render(request, "partners/partner_form.html", {"form": form, "partner": partner})


# Consent -------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def consent_create(request, case_id):
    case = access.get_case_for_user(request, case_id, perm=access.CHANGE)
    form = forms.ConsentForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(actor=request.user, origin=_origin(request), case=case, scope=data["scope"],
                                    team=data["team"], partner=data["partner"], given_on=data["given_on"],
                                    manner=data["manner"], note=data["note"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "partners/case_form.html", {"case": case, "form": form, "title": _("Record a consent")})


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, case_id, consent_id):
    case = access.get_case_for_user(request, case_id, perm=access.CHANGE)
    consent = Consent.objects.filter(case=case, pk=consent_id).select_related("team", "partner").first()
    if consent is None:
        access.refuse(request, target_type="consent", target_id=consent_id, reason="missing", target_ref=case.reference, team=case.team.code)
    form = forms.WithdrawForm(request.POST or None, initial={"withdrawn_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(actor=request.user, origin=_origin(request), consent=consent, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Withdrawal recorded."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "partners/case_form.html", {
        "case": case, "form": form, "consent": consent,
        "title": _("Withdraw consent: %(scope)s") % {"scope": consent.get_scope_display()},
    })


# Referrals to partners -------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request, case_id):
    case = access.get_case_for_user(request, case_id, perm=access.CHANGE)
    is_lead = access.is_lead_of(request.user, case.team)
    form = forms.PartnerReferralForm(request.POST or None, is_lead=is_lead)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.partner_referral_record(actor=request.user, origin=_origin(request), case=case, partner=data["partner"],
                                             referred_on=data["referred_on"], reason=data["reason"],
                                             follow_up=data["follow_up"], legal_ground=data.get("legal_ground", ""))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Referral recorded."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "partners/case_form.html", {"case": case, "form": form, "title": _("Refer to a partner")})


@login_required
@require_http_methods(["GET", "POST"])
def referral_edit(request, case_id, referral_id):
    case = access.get_case_for_user(request, case_id, perm=access.CHANGE)
    referral = PartnerReferral.objects.filter(case=case, pk=referral_id).select_related("partner").first()
    if referral is None:
        access.refuse(request, target_type="partner_referral", target_id=referral_id, reason="missing",
                      target_ref=case.reference, team=case.team.code)
    if request.method == "GET":
        # The page shows the follow-up, free text about the person: a read of the case.
        case_event_record(actor=request.user, origin=_origin(request), action=Action.CASE_VIEW, case=case, part="referral")
    form = forms.ReferralOutcomeForm(request.POST or None, initial={
        "version": referral.version, "outcome": referral.outcome, "follow_up": referral.follow_up})
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_referral_update(actor=request.user, origin=_origin(request), referral=referral,
                                             expected_version=form.cleaned_data["version"],
                                             outcome=form.cleaned_data["outcome"], follow_up=form.cleaned_data["follow_up"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Referral saved."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "partners/case_form.html", {
        "case": case, "form": form,
        "title": _("Referral to %(partner)s on %(date)s") % {"partner": referral.partner.name, "date": referral.referred_on.strftime("%d/%m/%Y")},
    })


# Between teams -------------------------------------------------------------------------------

def _case_for_lead(request, case_id):
    case = access.get_case_for_user(request, case_id, perm=access.VIEW)
    if not access.is_lead_of(request.user, case.team):
        access.refuse(request, target_type="case", target_id=case.pk, reason="needs lead",
                      target_ref=case.reference, team=case.team.code)
    return case


@login_required
@require_http_methods(["GET", "POST"])
def team_referral_create(request, case_id):
    case = _case_for_lead(request, case_id)
    form = forms.TeamReferralForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_referral_request(actor=request.user, origin=_origin(request), case=case, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The other team's lead has been asked. Nothing is shared before they accept."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "partners/case_form.html", {"case": case, "form": form, "title": _("Refer or transfer to another team")})


@login_required
def inbox(request):
    roles = access.roles_of(request.user)
    if not roles.lead_teams:
        access.refuse(request, target_type="team_referral", target_id="inbox", reason="not a lead")
    referrals, links = selectors.inbox_for(request.user)
    contacts = selectors.leads_by_team({r.from_team_id for r in referrals}
                                       | {l.new_case.team_id for l in links} | {l.existing_case.team_id for l in links})
    link_rows = []
    for link in links:
        mine = link.new_case if link.new_case.team_id in roles.lead_teams else link.existing_case
        other = link.other_case(mine)
        link_rows.append({"link": link, "mine": mine, "other_team": other.team, "contacts": contacts.get(other.team_id, [])})
    referral_rows = [{"referral": r, "contacts": contacts.get(r.from_team_id, [])} for r in referrals]
    return render(request, "partners/inbox.html", {"referrals": referral_rows, "links": link_rows})


def _referral_for_receiving_lead(request, referral_id):
    referral = (TeamReferral.objects.select_related("case__team", "from_team", "to_team", "requested_by", "new_case")
                .filter(pk=referral_id).first())
    if referral is None or not access.is_lead_of(request.user, referral.to_team):
        access.refuse(request, target_type="team_referral", target_id=referral_id, reason="not receiving lead",
                      team=referral.to_team.code if referral else "")
    return referral


@login_required
@require_http_methods(["GET", "POST"])
def team_referral_decide(request, referral_id):
    """What the receiving lead needs to decide (who, born when, why, from whom) and nothing
    more: no notes, no sessions, no team details. Accepting opens the linked case."""
    referral = _referral_for_receiving_lead(request, referral_id)
    data = request.POST if request.method == "POST" else None
    accept_form = forms.AcceptForm(data if data and "accept" in data else None, prefix="accept",
                                   initial={"opened_on": timezone.localdate()})
    details_form = details_form_for(referral.to_team)(data if data and "accept" in data else None, prefix="details")
    decline_form = forms.DeclineForm(data if data and "decline" in data else None, prefix="decline")
    pending = referral.status == TeamReferral.Status.PENDING
    if request.method == "POST" and pending and "accept" in request.POST and accept_form.is_valid() and details_form.is_valid():
        try:
            new_case = services.team_referral_accept(actor=request.user, origin=_origin(request), referral=referral,
                                                     opened_on=accept_form.cleaned_data["opened_on"],
                                                     details=details_form.field_values())
        except StaleVersion:
            accept_form.add_error(None, _("The sending team changed the case meanwhile. Try again."))
        except ValidationError as exc:
            _add_errors(accept_form, exc)
        else:
            messages.success(request, _("Referral accepted: case %(reference)s opened.") % {"reference": new_case.reference})
            return redirect("cases:detail", case_id=new_case.pk)
    elif request.method == "POST" and pending and "decline" in request.POST and decline_form.is_valid():
        try:
            services.team_referral_decline(actor=request.user, origin=_origin(request), referral=referral,
                                           reason=decline_form.cleaned_data["decision_reason"])
        except ValidationError as exc:
            _add_errors(decline_form, exc)
        else:
            messages.success(request, _("Referral declined. Nothing was copied."))
            return redirect("partners:inbox")
    elif request.method == "GET":
        services.team_referral_view_record(actor=request.user, origin=_origin(request), referral=referral)
    source = referral.case
    return render(request, "partners/team_referral.html", {
        "referral": referral, "pending": pending,
        "person": {"name": source.display_name, "born": source.date_of_birth},
        "contacts": selectors.leads_by_team([referral.from_team_id]).get(referral.from_team_id, []),
        "accept_form": accept_form, "details_form": details_form, "decline_form": decline_form,
    })


@login_required
@require_http_methods(["GET", "POST"])
def link_accept(request, case_id, link_id):
    case = _case_for_lead(request, case_id)
    link = selectors.links_of(case).filter(pk=link_id).first()
    if link is None:
        access.refuse(request, target_type="file_link", target_id=link_id, reason="missing", target_ref=case.reference, team=case.team.code)
    form = forms.LinkAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.file_link_accept(actor=request.user, origin=_origin(request), link=link, case=case,
                                             legal_ground=form.cleaned_data["legal_ground"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if link.status == FileLink.Status.LINKED:
                messages.success(request, _("Both leads accepted: the files are linked."))
            else:
                messages.success(request, _("Your acceptance is recorded; the other team's lead must accept too."))
            return redirect("cases:detail", case_id=case.pk)
    other = link.other_case(case)
    return render(request, "partners/case_form.html", {
        "case": case, "form": form,
        "title": _("Link this file with the file of %(team)s") % {"team": other.team.name},
    })


# Legal hold, subject access, erasure -----------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def legal_hold(request, case_id):
    case = _case_for_lead(request, case_id)
    form = forms.LegalHoldForm(request.POST or None)
    if request.method == "POST" and case.legal_hold and "lift" in request.POST:
        services.legal_hold_lift(actor=request.user, origin=_origin(request), case=case)
        messages.success(request, _("Legal hold lifted: retention applies again."))
        return redirect("cases:detail", case_id=case.pk)
    if request.method == "POST" and not case.legal_hold and form.is_valid():
        try:
            services.legal_hold_set(actor=request.user, origin=_origin(request), case=case, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Legal hold set: the file will not be purged until the hold is lifted."))
            return redirect("cases:detail", case_id=case.pk)
    if request.method == "GET" and case.legal_hold:
        case_event_record(actor=request.user, origin=_origin(request), action=Action.CASE_VIEW, case=case, part="legal_hold")
    return render(request, "partners/legal_hold.html", {"case": case, "form": form})


@login_required
def subject_access(request, case_id):
    """GDPR art. 15: everything held about the person across the files this lead may open."""
    case = _case_for_lead(request, case_id)
    cases = selectors.subject_access_cases(request.user, case)
    form = forms.SubjectAccessForm(request.GET or None, initial={"language": "fr"})
    fmt = request.GET.get("format")
    if form.is_bound and form.is_valid() and fmt in ("json", "letter"):
        language = form.cleaned_data["language"]
        services.subject_access_record(actor=request.user, origin=_origin(request), cases=cases, fmt=fmt, language=language)
        if fmt == "json":
            payload = selectors.subject_access_json(request.user, cases, language)
            response = HttpResponse(json.dumps(payload, default=str, ensure_ascii=False, indent=2),
                                    content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="subject-access-{case.reference}.json"'
            response["Cache-Control"] = "no-store"
            return response
        from django.utils.translation import override

        with override(language):
            response = render(request, "partners/subject_access_letter.html", {
                "case": case, "files": selectors.subject_access_answer(request.user, cases, language),
                "today": timezone.localdate(), "lead": request.user, "language": language,
            })
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "partners/subject_access.html", {"case": case, "cases": cases, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def erase(request, case_id):
    case = _case_for_lead(request, case_id)
    form = forms.ErasureForm(request.POST or None, initial={"requested_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            reference = services.case_erase(actor=request.user, origin=_origin(request), case=case,
                                            ground=form.cleaned_data["ground"], requested_on=form.cleaned_data["requested_on"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("File %(reference)s erased.") % {"reference": reference})
            return redirect("cases:team_register")
    return render(request, "partners/erase.html", {"case": case, "form": form})
