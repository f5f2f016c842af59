"""The bulk import and a single paper form cannot disagree: for random answers (blanks included)
to random instruments, the response the import stores equals the one the paper form stores and
what the scoring core computes, field by field, and both raise the same proposals and alerts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safechildhood.access.policy import actor_for
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory
from safechildhood.directory.tests.factories import SchoolFactory, SupportCentreFactory
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening import imports
from safechildhood.screening.models import JobStatus, Response
from safechildhood.screening.scoring import score
from safechildhood.screening.services.instruments import instrument_get, instrument_list
from safechildhood.screening.services.responses import response_enter_paper
from safechildhood.screening.tests.factories import make_assignment, make_campaign

pytestmark = pytest.mark.django_db

CODES = [i.code for i in instrument_list()]
FIELDS = ("total", "band", "completeness", "critical", "level", "scores")


@pytest.fixture
def world():
    school = SchoolFactory()
    centre = SupportCentreFactory(region=school.district.region)
    head = MembershipFactory(role=Role.CENTRE_HEAD, centre=centre).user
    campaign = make_campaign(region=school.district.region, centre=centre, created_by=head,
                             instruments=tuple(CODES))
    psy = actor_for(MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=school).user)
    return {"school": school, "campaign": campaign, "psy": psy}


@st.composite
def questionnaires(draw):
    """An instrument and answers to it: each item blank or one of its possible answers, at
    least one answered."""
    instrument = instrument_get(draw(st.sampled_from(CODES)))
    answers = {}
    for item in instrument.items:
        if item.option_set is not None:
            possible = st.sampled_from([o.code for o in item.option_set.options])
        else:
            possible = st.integers(item.number_min, item.number_max).map(str)
        value = draw(st.one_of(st.none(), possible))
        if value is not None:
            answers[item.id] = value
    if not answers:
        first = instrument.items[0]
        answers[first.id] = (first.option_set.options[0].code if first.option_set
                             else str(first.number_min))
    return instrument, answers


def expected_from_core(instrument, answers) -> dict:
    result = score(instrument, answers)
    main = result.scales[instrument.scales[0].id] if instrument.scales else None
    return {"total": main.total if main else None, "band": (main.band or "") if main else "",
            "completeness": result.status, "critical": result.critical,
            "level": result.top_level or "", "scores": result.as_dict()}


def follow_ups(response: Response) -> tuple:
    alert = getattr(response, "alert", None)
    return (sorted(response.proposals.values_list("category", "level")),
            (sorted(alert.flags), alert.acute) if alert else None)


def import_rows(world, codes: list[str], instrument, answers: dict) -> list[Response]:
    """Import the same answers for each code (two rows take the batch insert path: COPY on
    PostgreSQL)."""
    ids = instrument.item_ids
    lines = [";".join(["code", "instrument", *ids])]
    lines += [";".join([code, instrument.code, *(answers.get(i, "") for i in ids)])
              for code in codes]
    content = ("\n".join(lines) + "\n").encode()
    started = imports.results_import_start(actor=world["psy"], campaign=world["campaign"],
                                           uploaded_file=SimpleUploadedFile("r.csv", content))
    done = imports.results_import_process(import_id=started.pk)
    assert done.status == JobStatus.DONE, done.errors
    return list(Response.objects.filter(import_batch=done).order_by("pk"))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=questionnaires())
def test_bulk_import_single_entry_and_scoring_core_agree(world, drawn):
    instrument, answers = drawn
    school, campaign = world["school"], world["campaign"]
    bulk_assignments = [make_assignment(campaign, PupilFactory(school=school),
                                        instruments=[instrument.code]) for _n in range(2)]
    single_assignment, _code = make_assignment(campaign, PupilFactory(school=school),
                                               instruments=[instrument.code])

    bulk, other = import_rows(world, [code for _a, code in bulk_assignments], instrument,
                              answers)
    single = response_enter_paper(actor=world["psy"], assignment=single_assignment,
                                  instrument_code=instrument.code, answers=answers)
    single.refresh_from_db()

    core = expected_from_core(instrument, answers)
    for name in FIELDS:
        assert getattr(bulk, name) == getattr(other, name) == getattr(single, name) == \
            core[name], name
    assert follow_ups(bulk) == follow_ups(other) == follow_ups(single)
    assert bulk.created_at and bulk.submitted_at and bulk.answers == other.answers
    single_assignment.refresh_from_db()
    assert single_assignment.status == "completed"
    for assignment, _code in bulk_assignments:
        assignment.refresh_from_db()
        assert assignment.status == "completed"
