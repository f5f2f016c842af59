"""Finding possible duplicates in a region, and a person merging or dismissing them."""

import datetime as dt

import pytest
from django.utils import timezone

from safechildhood.accounts.models import Role
from safechildhood.audit.models import AuditEvent
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.people import selectors, services
from safechildhood.people.iin import make_iin
from safechildhood.people.models import Consent, DuplicateCandidate, Enrollment, Guardian, Pupil
from safechildhood.people.names import match_key
from safechildhood.people.tests.factories import GuardianFactory, PupilFactory

SAME_NAME = DuplicateCandidate.Reason.SAME_NAME_BIRTH
SAME_IIN = DuplicateCandidate.Reason.SAME_IIN
BIRTH = dt.date(2011, 3, 14)


def twins(school_a, school_b, **b_fields):
    a = PupilFactory(school=school_a, last_name="Жұмабеков", first_name="Ерасыл")
    b = PupilFactory(school=school_b, **({"last_name": "Жұмабеков", "first_name": "Ерасыл"}
                                         | b_fields))
    return a, b


def pairs():
    return set(DuplicateCandidate.objects.values_list("first_id", "second_id", "reason"))


# --- detection ---------------------------------------------------------------------------------


def test_the_same_name_and_birth_date_in_two_districts_of_a_region_is_a_candidate(
        home_school, near_school):
    a, b = twins(home_school, near_school, last_name="ЖҰМАБЕКОВ", first_name="ерасыл")
    assert services.duplicates_detect(pupil_ids=[b.pk]) == 1
    assert pairs() == {(a.pk, b.pk, SAME_NAME)}


def test_records_in_different_regions_are_not_candidates(home_school, far_school):
    a, b = twins(home_school, far_school)
    assert services.duplicates_detect(pupil_ids=[a.pk, b.pk]) == 0
    assert not DuplicateCandidate.objects.exists()


def test_a_different_birth_date_or_name_is_not_a_candidate(home_school):
    a = PupilFactory(school=home_school, last_name="Жұмабеков", first_name="Ерасыл")
    PupilFactory(school=home_school, last_name="Жұмабеков", first_name="Ерасыл",
                 birth_date=dt.date(2011, 3, 15))
    PupilFactory(school=home_school, last_name="Жумабеков", first_name="Ерасыл")  # у, not ұ
    assert services.duplicates_detect(pupil_ids=[a.pk]) == 0


def test_records_with_different_iins_are_different_children(home_school):
    a, b = twins(home_school, home_school, iin=make_iin(BIRTH, "M", 11))
    a.iin = make_iin(BIRTH, "M", 12)
    a.save()
    assert services.duplicates_detect(pupil_ids=[a.pk, b.pk]) == 0


def test_one_record_with_an_iin_and_one_without_are_candidates(home_school):
    a, _b = twins(home_school, home_school, iin=make_iin(BIRTH, "M", 11))
    assert services.duplicates_detect(pupil_ids=[a.pk]) == 1


def test_the_same_iin_in_the_region_is_the_stronger_reason():
    # The database lets one IIN belong to one record only (pupil_unique_iin), so same-IIN pairs
    # can only come from records stored before that rule; the rule itself is checked here.
    iin = make_iin(BIRTH, "M", 11)
    sources = [(1, iin, "a|b|2011-03-14", 7)]
    similar = [(1, iin, "a|b|2011-03-14", 7), (2, iin, "a|b|2011-03-14", 7),
               (3, iin, "x|y|2011-03-14", 7), (4, iin, "a|b|2011-03-14", 8)]
    assert services.candidate_pairs(sources, similar) == {(1, 2): SAME_IIN, (1, 3): SAME_IIN}


def test_known_pairs_are_not_raised_again_even_when_dismissed(home_school):
    a, b = twins(home_school, home_school)
    DuplicateCandidate.objects.create(first=a, second=b, reason=SAME_NAME,
                                      status=DuplicateCandidate.Status.DISMISSED)
    assert services.duplicates_detect(pupil_ids=[a.pk, b.pk]) == 0
    assert DuplicateCandidate.objects.count() == 1


def test_merged_records_are_left_out(home_school):
    a, b = twins(home_school, home_school, status=Pupil.Status.MERGED)
    assert services.duplicates_detect(pupil_ids=[a.pk, b.pk]) == 0


def test_three_records_of_one_child_make_three_ordered_pairs(home_school, near_school):
    a, b = twins(home_school, near_school)
    c = PupilFactory(school=near_school, last_name="жұмабеков", first_name="Ерасыл")
    assert services.duplicates_detect(pupil_ids=[c.pk, a.pk]) == 3
    assert pairs() == {(a.pk, b.pk, SAME_NAME), (a.pk, c.pk, SAME_NAME),
                       (b.pk, c.pk, SAME_NAME)}
    assert services.duplicates_detect(pupil_ids=[a.pk, b.pk, c.pk]) == 0


def test_detection_records_an_audit_event_with_counts_only(home_school):
    a, _b = twins(home_school, home_school)
    services.duplicates_detect(pupil_ids=[a.pk])
    event = AuditEvent.objects.get(action="people.duplicates.detected")
    assert event.data == {"created": 1, "pupils": 1}


def test_detection_for_a_large_roster_takes_a_few_queries(home_school, near_school,
                                                          django_assert_max_num_queries):
    """After a roster import of ~2000 pupils: batched, not one query per pupil."""
    people = [Pupil(school=home_school if n % 2 else near_school, last_name=f"Оспан{n}",
                    first_name="Дана", birth_date=BIRTH, sex="F", grade=5,
                    match_key=match_key(f"Оспан{n}", "Дана", BIRTH)) for n in range(2100)]
    people += [Pupil(school=near_school, last_name=f"ОСПАН{n}", first_name="дана",
                     birth_date=BIRTH, sex="F", grade=5,
                     match_key=match_key(f"ОСПАН{n}", "дана", BIRTH)) for n in range(0, 2100, 10)]
    created = Pupil.objects.bulk_create(people)
    ids = [p.pk for p in created[:2100]]
    with django_assert_max_num_queries(30):
        assert services.duplicates_detect(pupil_ids=ids) == 210


# --- merging -----------------------------------------------------------------------------------


@pytest.fixture
def cross_school_pair(home_school, near_school):
    """One child recorded at the home school and, with guardians and consent, at a school of
    another district."""
    ours, theirs = twins(home_school, near_school)
    mother = GuardianFactory(pupil=theirs, full_name="Жұмабекова Ләззат", phone="")
    GuardianFactory(pupil=theirs, relation=Guardian.Relation.FATHER, full_name="Жұмабеков Ахмет")
    GuardianFactory(pupil=ours, full_name="ЖҰМАБЕКОВА  Ләззат", phone="+7 701 111 22 33")
    Consent.objects.create(pupil=theirs, guardian=mother, decision="given",
                           decided_on=dt.date(2025, 9, 2), recorded_by=_someone())
    candidate = DuplicateCandidate.objects.create(first=ours, second=theirs, reason=SAME_NAME)
    return candidate, ours, theirs


def _someone():
    from safechildhood.accounts.tests.factories import UserFactory

    return UserFactory()


def test_merging_moves_guardians_consents_and_history_to_the_kept_record(psy, cross_school_pair,
                                                                         home_school):
    candidate, ours, theirs = cross_school_pair
    kept = services.duplicate_merge(actor=psy, candidate=candidate, keep=ours)
    assert kept == ours
    theirs.refresh_from_db()
    assert (theirs.status, theirs.merged_into) == (Pupil.Status.MERGED, ours)
    # the mother on both records stays one person, her consent follows her
    guardians = sorted(Guardian.objects.filter(pupil=ours).values_list("relation", flat=True))
    assert guardians == ["father", "mother"]
    consent = Consent.objects.get()
    assert consent.pupil == ours and consent.guardian.pupil == ours
    # both stays are kept, the other school's ended today
    history = {(e.school_id, e.ended_on) for e in Enrollment.objects.filter(pupil=ours)}
    assert history == {(home_school.pk, None), (theirs.school_id, timezone.localdate())}
    candidate.refresh_from_db()
    assert (candidate.status, candidate.resolved_by) == (DuplicateCandidate.Status.MERGED,
                                                         psy.user)


def test_a_merge_is_audited_with_ids_and_counts(psy, cross_school_pair):
    candidate, ours, theirs = cross_school_pair
    services.duplicate_merge(actor=psy, candidate=candidate, keep=ours)
    event = AuditEvent.objects.get(action="people.duplicate.merged")
    assert event.data["kept_id"] == ours.pk and event.data["merged_id"] == theirs.pk
    assert event.data["guardians_moved"] == 1 and event.data["enrollments_moved"] == 1
    assert "Жұмабеков" not in str(event.data)


def test_the_other_school_may_keep_its_own_record(near_psy, cross_school_pair):
    candidate, ours, theirs = cross_school_pair
    services.duplicate_merge(actor=near_psy, candidate=candidate, keep=theirs)
    ours.refresh_from_db()
    assert ours.merged_into == theirs
    assert Guardian.objects.filter(pupil=theirs).count() == 2  # the mother is not doubled
    assert selectors.pupil_list(actor=near_psy).filter(pk=ours.pk).count() == 0


def test_the_kept_record_takes_an_iin_it_lacks(psy, home_school):
    iin = make_iin(BIRTH, "M", 5)
    ours, theirs = twins(home_school, home_school, iin=iin)
    candidate = DuplicateCandidate.objects.create(first=ours, second=theirs, reason=SAME_NAME)
    services.duplicate_merge(actor=psy, candidate=candidate, keep=ours)
    ours.refresh_from_db()
    assert ours.iin == iin


def test_other_suspicions_about_the_merged_record_move_to_the_kept_one(psy, home_school):
    ours, theirs = twins(home_school, home_school)
    third = PupilFactory(school=home_school)
    candidate = DuplicateCandidate.objects.create(first=ours, second=theirs, reason=SAME_NAME)
    other = DuplicateCandidate.objects.create(first=theirs, second=third, reason=SAME_NAME)
    services.duplicate_merge(actor=psy, candidate=candidate, keep=ours)
    other.refresh_from_db()
    assert (other.first_id, other.second_id, other.status) == (ours.pk, third.pk, "open")


def test_a_resolved_candidate_cannot_be_merged_again(psy, cross_school_pair):
    candidate, ours, _ = cross_school_pair
    services.duplicate_dismiss(actor=psy, candidate=candidate)
    with pytest.raises(DomainError) as caught:
        services.duplicate_merge(actor=psy, candidate=candidate, keep=ours)
    assert caught.value.code == "already_resolved"


def test_the_record_to_keep_must_be_one_of_the_pair(psy, cross_school_pair, home_school):
    candidate, *_ = cross_school_pair
    with pytest.raises(DomainError):
        services.duplicate_merge(actor=psy, candidate=candidate,
                                 keep=PupilFactory(school=home_school))


def test_schools_outside_the_pair_cannot_resolve_it(far_psy, make_actor, cross_school_pair):
    candidate, ours, _ = cross_school_pair
    with pytest.raises(NotFound):
        services.duplicate_merge(actor=far_psy, candidate=candidate, keep=ours)
    with pytest.raises((NotFound, Forbidden)):
        services.duplicate_dismiss(actor=make_actor(Role.CENTRE_HEAD), candidate=candidate)


def test_a_failed_merge_changes_nothing(psy, cross_school_pair, monkeypatch):
    candidate, ours, theirs = cross_school_pair
    monkeypatch.setattr(services, "audit_record", lambda **kw: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        services.duplicate_merge(actor=psy, candidate=candidate, keep=ours)
    theirs.refresh_from_db()
    candidate.refresh_from_db()
    assert theirs.status == Pupil.Status.ACTIVE and candidate.status == "open"
    assert Guardian.objects.filter(pupil=theirs).count() == 2


def test_dismissing_marks_different_children_and_is_audited(near_psy, cross_school_pair):
    candidate, ours, theirs = cross_school_pair
    services.duplicate_dismiss(actor=near_psy, candidate=candidate)
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.DISMISSED
    event = AuditEvent.objects.get(action="people.duplicate.dismissed")
    assert event.target_id == str(theirs.pk)  # placed at the acting school's record
    assert services.duplicates_detect(pupil_ids=[ours.pk, theirs.pk]) == 0


# --- reading -----------------------------------------------------------------------------------


def test_the_duplicate_list_shows_open_pairs_first(psy, home_school):
    a, b = twins(home_school, home_school)
    c = PupilFactory(school=home_school)
    done = DuplicateCandidate.objects.create(first=a, second=b, reason=SAME_NAME,
                                             status=DuplicateCandidate.Status.DISMISSED)
    waiting = DuplicateCandidate.objects.create(first=a, second=c, reason=SAME_NAME)
    assert list(selectors.duplicate_list(actor=psy)) == [waiting, done]
    assert list(selectors.duplicate_list(actor=psy, status="open")) == [waiting]


def test_opening_a_candidate_is_audited_and_the_other_schools_record_stays_hidden(
        psy, cross_school_pair):
    candidate, ours, theirs = cross_school_pair
    assert selectors.duplicate_get(actor=psy, pk=candidate.pk) == candidate
    assert selectors.pupils_visible(actor=psy, pupil_ids=[ours.pk, theirs.pk]) == {ours.pk}
    event = AuditEvent.objects.get(action="people.duplicate.viewed")
    assert event.target_id == str(ours.pk)
