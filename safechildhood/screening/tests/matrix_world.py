"""Screening objects for the authorization matrix: one inside the test region's school (for a
pupil other than the matrix's own pupil, so that centre staff seeing an alerted child does not
change the pupil routes) and one in another region."""

from __future__ import annotations

from types import SimpleNamespace

from safechildhood.accounts.models import Role
from safechildhood.directory.tests.factories import SupportCentreFactory
from safechildhood.people.tests.factories import PupilFactory
from safechildhood.screening.models import ResponseExport, ResponseImport
from safechildhood.screening.tests.factories import make_alert, make_assignment, make_campaign


def _side(w, region, school, psychologist, head):
    from safechildhood.accounts.tests.factories import MembershipFactory

    centre = SupportCentreFactory(region=region)
    if psychologist is None:
        psychologist = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=school).user
    if head is None:
        head = MembershipFactory(role=Role.CENTRE_HEAD, centre=centre).user
    campaign = make_campaign(region=region, centre=centre, created_by=head)
    child = PupilFactory(school=school, grade=8)
    assignment, _code = make_assignment(campaign, child)
    alert = make_alert(assignment, psychologist)
    results_import = ResponseImport.objects.create(campaign=campaign, school=school,
                                                   uploaded_by=psychologist,
                                                   file_name="results.csv", content=b"")
    export = ResponseExport.objects.create(campaign=campaign, requested_by=head,
                                           membership_id=head.memberships.first().pk,
                                           variant=ResponseExport.Variant.PSEUDONYMISED,
                                           format=ResponseExport.Format.CSV)
    other, _ = make_assignment(campaign, PupilFactory(school=school, grade=8))
    return {"campaign": campaign, "assignment": other, "alert": alert,
            "response": alert.response, "alerted_pupil": child,
            "results_import": results_import, "export": export}


def objects(w) -> dict[str, tuple]:
    inside = _side(w, w.region, w.school, w.users[Role.SCHOOL_PSYCHOLOGIST.value],
                   w.users[Role.CENTRE_HEAD.value])
    outside = _side(w, w.other_region, w.other_school, None, None)
    objects = {kind: (inside[kind], outside[kind]) for kind in inside}
    # instruments are files, not rows: "outside" is a code that does not exist
    objects["instrument"] = (SimpleNamespace(pk="phq-a"), SimpleNamespace(pk="no-such"))
    return objects
