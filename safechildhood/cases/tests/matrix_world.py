"""Risk-group objects for the authorization matrix.

Inside: a case of a fresh pupil at the matrix school (never ``w.pupil``: a case widens who sees its
pupil, which would change the pupil routes), owned by the matrix's centre specialist, whose
districts are the matrix school's district; with a triage proposal awaiting decision, a submitted
plan, a submitted closure, a contact, a referral, a re-screening, and a field trip of that
specialist to the district. Outside: the same in another region's school, owned by that district's
specialist.
"""

from __future__ import annotations

from safechildhood.accounts.models import Role
from safechildhood.cases.tests.factories import (
    CaseClosureFactory,
    CasePlanFactory,
    ContactFactory,
    FieldTripFactory,
    FollowUpScreeningFactory,
    PlanActionFactory,
    ReferralFactory,
    RiskCaseFactory,
    TriageProposalFactory,
    head_for,
    specialist_for,
)
from safechildhood.people.tests.factories import PupilFactory


def _side(school, specialist, head) -> dict:
    case = RiskCaseFactory(pupil=PupilFactory(school=school), active=True, owner=specialist,
                           opened_by=head)
    plan = CasePlanFactory(case=case)
    PlanActionFactory(plan=plan)
    return {
        "case": case,
        "proposal": TriageProposalFactory(pupil=PupilFactory(school=school)),
        "plan": plan,
        "closure": CaseClosureFactory(case=case),
        "trip": FieldTripFactory(specialist=specialist, district=school.district),
        "contact": ContactFactory(case=case),
        "referral": ReferralFactory(case=case),
        "rescreening": FollowUpScreeningFactory(case=case),
    }


def objects(w) -> dict[str, tuple]:
    inside = _side(w.school, w.users[Role.CENTRE_SPECIALIST.value],
                   w.users[Role.CENTRE_HEAD.value])
    other_district = w.other_school.district
    outside = _side(w.other_school, specialist_for(other_district),
                    head_for(other_district.region))
    return {kind: (inside[kind], outside[kind]) for kind in inside}
