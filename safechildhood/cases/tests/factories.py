"""Factories for the risk group: cases in realistic states and their parts.

``RiskCaseFactory()`` is a case accepted and waiting for a specialist ("proposed");
``RiskCaseFactory(active=True)`` / ``monitoring=True`` / ``closed=True`` give it an owner (a centre
specialist of the pupil's district, unless ``owner=`` is passed) and the matching dates.
``specialist_for(district)`` and ``head_for(region)`` make centre staff placed where a test needs
them. Every row is built directly; the services have their own tests.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.cases.models import (
    CaseClosure,
    CaseEvent,
    CasePlan,
    CaseReview,
    Contact,
    Decision,
    FieldTrip,
    FollowUpScreening,
    PlanAction,
    Referral,
    RiskCase,
)
from safechildhood.directory.tests.factories import ServiceProviderFactory, SupportCentreFactory
from safechildhood.geography.tests.factories import DistrictFactory
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import TriageProposal


def specialist_for(*districts, centre=None):
    """A centre specialist (the user) working the given districts, in their region's centre."""
    region = districts[0].region
    membership = MembershipFactory(role=Role.CENTRE_SPECIALIST,
                                   centre=centre or SupportCentreFactory(region=region),
                                   districts=list(districts))
    return membership.user


def head_for(region, centre=None):
    """The centre head (the user) of a region."""
    return MembershipFactory(role=Role.CENTRE_HEAD,
                             centre=centre or SupportCentreFactory(region=region)).user


def _today() -> dt.date:
    return timezone.localdate()


class TriageProposalFactory(factory.django.DjangoModelFactory):
    """A proposal from screening awaiting the centre's decision. ``concern=True`` makes it a staff
    concern raised by the pupil's school psychologist (pass ``reported_by=``)."""

    class Meta:
        model = TriageProposal

    pupil = factory.SubFactory(PupilFactory)
    school = factory.LazyAttribute(lambda o: o.pupil.school)
    district = factory.LazyAttribute(lambda o: o.pupil.school.district)
    source = TriageProposal.Source.SCREENING
    category = TriageProposal.Category.DEPRESSION
    level = TriageProposal.Level.HIGH
    evidence = factory.LazyFunction(lambda: {"instrument": "phq-a", "total": 17,
                                             "band": "moderately_severe", "flags": []})

    class Params:
        concern = factory.Trait(
            source=TriageProposal.Source.CONCERN,
            category=TriageProposal.Category.BULLYING,
            level=TriageProposal.Level.MEDIUM,
            evidence=factory.LazyFunction(lambda: {"concern": True}),
        )
        critical = factory.Trait(
            category=TriageProposal.Category.SUICIDE_RISK,
            level=TriageProposal.Level.CRITICAL,
            evidence=factory.LazyFunction(lambda: {"instrument": "phq-a", "total": 12,
                                                   "band": "moderate",
                                                   "flags": ["phq_a_item9"]}),
        )


class RiskCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskCase

    pupil = factory.SubFactory(PupilFactory)
    # the pupil's current school, as the triage services set it
    school = factory.LazyAttribute(lambda o: o.pupil.school)
    district = factory.LazyAttribute(lambda o: o.pupil.school.district)
    categories = factory.LazyFunction(lambda: [TriageProposal.Category.DEPRESSION.value])
    level = TriageProposal.Level.HIGH
    status = RiskCase.Status.PROPOSED
    owner = None
    reason = "Screening result and the school psychologist's observations."
    opened_by = factory.LazyAttribute(lambda o: head_for(o.pupil.school.district.region))
    opened_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=40))

    class Params:
        active = factory.Trait(
            status=RiskCase.Status.ACTIVE,
            owner=factory.LazyAttribute(lambda o: specialist_for(o.pupil.school.district)),
            next_review_on=factory.LazyFunction(lambda: _today() + dt.timedelta(days=20)),
        )
        monitoring = factory.Trait(
            status=RiskCase.Status.MONITORING,
            owner=factory.LazyAttribute(lambda o: specialist_for(o.pupil.school.district)),
            next_review_on=factory.LazyFunction(lambda: _today() + dt.timedelta(days=60)),
        )
        closed = factory.Trait(
            status=RiskCase.Status.CLOSED,
            owner=factory.LazyAttribute(lambda o: specialist_for(o.pupil.school.district)),
            closed_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2)),
            close_reason=RiskCase.CloseReason.IMPROVED,
        )
        review_overdue = factory.Trait(
            next_review_on=factory.LazyFunction(lambda: _today() - dt.timedelta(days=3)),
        )


class CaseEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseEvent

    case = factory.SubFactory(RiskCaseFactory, active=True)
    kind = CaseEvent.Kind.ACCEPTED
    actor = factory.LazyAttribute(lambda o: o.case.opened_by)
    data = factory.LazyFunction(dict)


class CasePlanFactory(factory.django.DjangoModelFactory):
    """A plan submitted by the case's owner, waiting for the head (``approved=True``: decided)."""

    class Meta:
        model = CasePlan

    case = factory.SubFactory(RiskCaseFactory, active=True)
    status = Decision.SUBMITTED
    goals = "Weekly sessions; the family joins the second session; school attendance restored."
    review_every_days = 30
    created_by = factory.LazyAttribute(lambda o: o.case.owner)
    submitted_at = factory.LazyFunction(timezone.now)

    class Params:
        approved = factory.Trait(
            status=Decision.APPROVED,
            decided_by=factory.LazyAttribute(lambda o: o.case.opened_by),
            decided_at=factory.LazyFunction(timezone.now),
        )


class PlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanAction

    plan = factory.SubFactory(CasePlanFactory)
    description = "Session with the child at school"
    due_on = factory.LazyFunction(lambda: _today() + dt.timedelta(days=7))
    position = factory.Sequence(int)


class CaseClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseClosure

    case = factory.SubFactory(RiskCaseFactory, active=True)
    to_status = RiskCase.Status.CLOSED
    reason = RiskCase.CloseReason.IMPROVED
    note = "Scores back in the normal range for two re-screenings."
    status = Decision.SUBMITTED
    requested_by = factory.LazyAttribute(lambda o: o.case.owner)


class CaseReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseReview

    case = factory.SubFactory(RiskCaseFactory, active=True)
    reviewed_by = factory.LazyAttribute(lambda o: o.case.owner)
    level = TriageProposal.Level.MEDIUM
    summary = "Fewer symptoms; keeps attending sessions."
    next_review_on = factory.LazyFunction(lambda: _today() + dt.timedelta(days=30))


class FieldTripFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldTrip

    district = factory.SubFactory(DistrictFactory)
    specialist = factory.LazyAttribute(lambda o: specialist_for(o.district))
    starts_on = factory.LazyFunction(lambda: _today() + dt.timedelta(days=3))
    ends_on = factory.LazyFunction(lambda: _today() + dt.timedelta(days=4))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    case = factory.SubFactory(RiskCaseFactory, active=True)
    kind = Contact.Kind.CHILD
    held_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    settlement = factory.LazyAttribute(lambda o: o.case.pupil.school.settlement)
    present = factory.LazyFunction(lambda: [Contact.Present.CHILD.value])
    duration_minutes = 45
    notes = "Talked about school and friends; calmer than last week."
    recorded_by = factory.LazyAttribute(lambda o: o.case.owner)


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    case = factory.SubFactory(RiskCaseFactory, active=True)
    provider = factory.LazyAttribute(
        lambda o: ServiceProviderFactory(region=o.case.pupil.school.district.region))
    reason = "Assessment by a child psychiatrist."
    sent_by = factory.LazyAttribute(lambda o: o.case.owner)
    next_step_due = factory.LazyFunction(lambda: _today() + dt.timedelta(days=14))


class FollowUpScreeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpScreening

    case = factory.SubFactory(RiskCaseFactory, active=True)
    instruments = factory.LazyFunction(lambda: ["phq-a"])
    due_on = factory.LazyFunction(lambda: _today() + dt.timedelta(days=30))
    created_by = factory.LazyAttribute(lambda o: o.case.owner)
