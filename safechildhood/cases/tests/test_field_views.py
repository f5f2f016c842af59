"""The field-work pages: recording a contact, the case's contact list, the trip list, planner,
trip page with its itinerary changes and status, and the printable itinerary. Each: anonymous →
login, out of scope → 404, the happy path, an invalid form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from safechildhood.audit.models import AuditEvent
from safechildhood.cases.models import Contact, FieldTrip, TripStop
from safechildhood.cases.services.trips import trip_plan
from safechildhood.cases.tests import field_fixtures
from safechildhood.cases.tests.factories import ContactFactory, RiskCaseFactory, specialist_for
from safechildhood.cases.tests.field_fixtures import NOTES
from safechildhood.people.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db
field = field_fixtures.field


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False


def _yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def contact_post(field, **overrides) -> dict:
    data = {"kind": Contact.Kind.FAMILY, "held_on": _yesterday().isoformat(),
            "held_time": "10:30", "duration_minutes": "45",
            "settlement": field.village.pk, "present": ["child", "mother"],
            "notes": NOTES, "next_step": "Үйге бару", "token": "a" * 32}
    data.update(overrides)
    return data


def _outside_case():
    """An open case of the other district, owned by that district's specialist."""
    from safechildhood.directory.tests.factories import SchoolFactory
    from safechildhood.geography.tests.factories import DistrictFactory, SettlementFactory

    district = DistrictFactory()
    school = SchoolFactory(settlement=SettlementFactory(district=district))
    return RiskCaseFactory(pupil=PupilFactory(school=school), active=True,
                           owner=specialist_for(district))


# --- contacts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cases:contact-create", "cases:contact-list"])
def test_anonymous_visitors_are_sent_to_log_in(client, field, name):
    response = client.get(reverse(name, args=[field.case.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("name", ["cases:contact-create", "cases:contact-list"])
def test_a_case_of_another_region_is_not_found(client, field, name):
    client.force_login(field.specialist)
    assert client.get(reverse(name, args=[_outside_case().pk])).status_code == 404


def test_a_colleague_reads_the_contacts_but_cannot_record_one(client, field):
    client.force_login(field.colleague)
    assert client.get(reverse("cases:contact-list", args=[field.case.pk])).status_code == 200
    assert client.get(reverse("cases:contact-create", args=[field.case.pk])).status_code == 403


def test_recording_a_contact_stores_the_notes_encrypted_and_shows_them(client, field):
    client.force_login(field.specialist)
    url = reverse("cases:contact-create", args=[field.case.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="token"' in page.content.decode()
    response = client.post(url, contact_post(field))
    assert response.status_code == 302
    contact = Contact.objects.get(case=field.case)
    assert contact.notes == NOTES and contact.parents_reached == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes, next_step FROM cases_contact WHERE id = %s", [contact.pk])
        raw_notes, raw_next = cursor.fetchone()
    assert "ұрыс" not in raw_notes and "ссоры" not in raw_notes and "Үйге" not in raw_next
    listing = client.get(reverse("cases:contact-list", args=[field.case.pk]))
    text = listing.content.decode()
    assert NOTES in text and "Үйге бару" in text and "mother" in text
    assert AuditEvent.objects.filter(action="cases.contacts.viewed",
                                     data__case_id=field.case.pk).exists()


def test_a_form_sent_twice_records_one_contact(client, field):
    client.force_login(field.specialist)
    url = reverse("cases:contact-create", args=[field.case.pk])
    first = client.post(url, contact_post(field))
    second = client.post(url, contact_post(field))
    assert first.status_code == second.status_code == 302
    assert Contact.objects.filter(case=field.case).count() == 1


def test_an_invalid_contact_form_says_what_to_fix(client, field):
    client.force_login(field.specialist)
    url = reverse("cases:contact-create", args=[field.case.pk])
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(url, contact_post(field, held_on=tomorrow))
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    response = client.post(url, contact_post(field, notes="", present=[]))
    assert response.status_code == 400
    assert "Mark who was present." in response.content.decode()
    assert not Contact.objects.exists()


def test_a_contact_recorded_from_the_trip_goes_back_to_the_trip(client, field):
    trip = trip_plan(actor=field.spec, district=field.district, starts_on=_yesterday(),
                     ends_on=timezone.localdate())
    client.force_login(field.specialist)
    url = reverse("cases:contact-create", args=[field.case.pk]) + f"?trip={trip.pk}"
    page = client.get(url)
    assert f'<option value="{trip.pk}" selected>' in page.content.decode()
    response = client.post(url, contact_post(field, trip=trip.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:trip-detail", args=[trip.pk])
    assert Contact.objects.get().trip == trip
    detail = client.get(response["Location"]).content.decode()
    assert "contact recorded" in detail


def test_the_case_page_section_shows_the_latest_contacts(rf, field):
    from django.template.loader import render_to_string

    from safechildhood.cases.selectors_work import case_contacts_section

    ContactFactory(case=field.case, notes="Talked about friends.", recorded_by=field.specialist)
    request = rf.get("/")
    request.actor = field.spec
    html = render_to_string("cases/_section_contacts.html",
                            case_contacts_section(field.spec, field.case), request=request)
    assert "Talked about friends." in html and "Record a contact" in html


# --- field trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cases:trip-list", "cases:trip-create"])
def test_anonymous_visitors_are_sent_to_log_in_from_the_trip_pages(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_planning_a_trip_gathers_the_children_due(client, field):
    client.force_login(field.specialist)
    url = reverse("cases:trip-create")
    assert client.get(url).status_code == 200
    days = {"district": field.district.pk,
            "starts_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
            "ends_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
            "no_contact_days": "30"}
    preview = client.post(url, {**days, "preview": "1"})
    assert preview.status_code == 200 and field.pupil.full_name in preview.content.decode()
    assert not FieldTrip.objects.exists()
    response = client.post(url, days)
    trip = FieldTrip.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:trip-detail", args=[trip.pk])
    assert list(trip.stops.values_list("case_id", flat=True)) == [field.case.pk]
    page = client.get(response["Location"]).content.decode()
    assert field.pupil.full_name in page and "Sarykemer" in page and "Abai school" in page
    listing = client.get(reverse("cases:trip-list")).content.decode()
    assert "Baizak" in listing and "0 of 1" in listing


def test_an_invalid_trip_plan_is_refused(client, field):
    client.force_login(field.specialist)
    response = client.post(reverse("cases:trip-create"), {
        "district": field.other_district.pk, "starts_on": "2020-01-02", "ends_on": "2020-01-01",
        "no_contact_days": "30"})
    assert response.status_code == 400
    assert "Choose one of your districts." in response.content.decode()
    assert not FieldTrip.objects.exists()


def test_another_specialists_trip_is_not_found(client, field):
    trip = trip_plan(actor=field.spec, district=field.district,
                     starts_on=timezone.localdate(), ends_on=timezone.localdate())
    client.force_login(field.colleague)
    for name in ("cases:trip-detail", "cases:trip-itinerary", "cases:trip-itinerary-pdf"):
        assert client.get(reverse(name, args=[trip.pk])).status_code == 404
    assert client.post(reverse("cases:trip-status", args=[trip.pk]),
                       {"status": "cancelled"}).status_code == 404


def test_adding_and_removing_a_stop_and_closing_the_trip(client, field):
    other = RiskCaseFactory(pupil=PupilFactory(school=field.hamlet_school), active=True,
                            owner=field.specialist, opened_by=field.head,
                            last_contact_at=timezone.now(),
                            next_review_on=timezone.localdate() + dt.timedelta(days=90))
    trip = trip_plan(actor=field.spec, district=field.district,
                     starts_on=timezone.localdate(), ends_on=timezone.localdate())
    assert not trip.stops.filter(case=other).exists()
    client.force_login(field.specialist)
    detail = reverse("cases:trip-detail", args=[trip.pk])
    assert other.pupil.full_name in client.get(detail).content.decode()  # a candidate
    bad = client.post(reverse("cases:trip-stop-add", args=[trip.pk]), {"case": "999999"})
    assert bad.status_code == 400
    assert "This case cannot be added to the trip." in bad.content.decode()
    client.post(reverse("cases:trip-stop-add", args=[trip.pk]), {"case": other.pk})
    stop = TripStop.objects.get(trip=trip, case=other)
    assert AuditEvent.objects.filter(action="cases.trip.stop_added").exists()
    client.post(reverse("cases:trip-stop-remove", args=[trip.pk]), {"stop": stop.pk})
    assert not TripStop.objects.filter(pk=stop.pk).exists()
    response = client.post(reverse("cases:trip-status", args=[trip.pk]), {"status": "done"},
                           follow=True)
    trip.refresh_from_db()
    assert trip.status == FieldTrip.Status.DONE
    assert "The trip is marked done." in response.content.decode()
    again = client.post(reverse("cases:trip-status", args=[trip.pk]), {"status": "cancelled"},
                        follow=True)
    assert "already" in again.content.decode()


def test_the_printable_itinerary_carries_the_phones_and_is_audited(client, field):
    trip = trip_plan(actor=field.spec, district=field.district,
                     starts_on=timezone.localdate(), ends_on=timezone.localdate())
    client.force_login(field.specialist)
    page = client.get(reverse("cases:trip-itinerary", args=[trip.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "+7 701 111 22 33" in text and field.pupil.full_name in text
    assert "never contacted" in text
    event = AuditEvent.objects.get(action="cases.trip.itinerary_printed")
    assert event.data["output"] == "html" and event.data["case_ids"] == [field.case.pk]


def test_the_centre_head_sees_the_specialists_trip(client, field):
    trip = trip_plan(actor=field.spec, district=field.district,
                     starts_on=timezone.localdate(), ends_on=timezone.localdate())
    client.force_login(field.head)
    assert client.get(reverse("cases:trip-detail", args=[trip.pk])).status_code == 200
    assert "Baizak" in client.get(reverse("cases:trip-list")).content.decode()


def test_a_school_psychologist_has_no_trip_pages(client, field):
    from safechildhood.accounts.models import Role
    from safechildhood.accounts.tests.factories import MembershipFactory

    psychologist = MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=field.school).user
    client.force_login(psychologist)
    assert client.get(reverse("cases:trip-list")).status_code == 403
    assert client.get(reverse("cases:contact-list", args=[field.case.pk])).status_code == 403


def _queries(client, url) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_trip_list_and_contact_list_read_in_a_fixed_number_of_queries(client, field):
    client.force_login(field.specialist)
    trips, contacts = reverse("cases:trip-list"), reverse("cases:contact-list",
                                                          args=[field.case.pk])
    trip_plan(actor=field.spec, district=field.district, starts_on=timezone.localdate(),
              ends_on=timezone.localdate())
    ContactFactory(case=field.case, recorded_by=field.specialist)
    few = _queries(client, trips), _queries(client, contacts)
    for _ in range(3):
        trip_plan(actor=field.spec, district=field.district, starts_on=timezone.localdate(),
                  ends_on=timezone.localdate())
        ContactFactory(case=field.case, recorded_by=field.specialist)
    assert (_queries(client, trips), _queries(client, contacts)) == few
