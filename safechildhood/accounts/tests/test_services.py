"""Account services: each change, its audit event, and nothing left behind when it fails."""

from unittest import mock

import pytest

from safechildhood.access.policy import actor_for
from safechildhood.accounts import services
from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import (
    PASSWORD,
    MembershipFactory,
    TOTPDeviceFactory,
    totp_code,
)
from safechildhood.audit.models import AuditEvent
from safechildhood.errors import DomainError, NotFound

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def _failing_audit():
    return mock.patch("safechildhood.accounts.services.audit_record", side_effect=Boom)


def test_login_record_writes_the_event_with_ids_only(psychologist):
    actor = actor_for(psychologist)
    services.user_login_record(actor=actor)
    event = AuditEvent.objects.get(action="accounts.login.succeeded")
    assert event.data == {"user": psychologist.pk, "membership": actor.membership.pk}
    assert event.school_id == actor.membership.school_id  # regional staff can see it


def test_the_set_up_device_is_created_once(psychologist):
    first = services.otp_device_prepare(user=psychologist)
    again = services.otp_device_prepare(user=psychologist)
    assert first.pk == again.pk
    assert not first.confirmed


def test_confirming_the_device_audits_the_enrolment(psychologist):
    device = services.otp_device_prepare(user=psychologist)
    services.otp_device_confirm(actor=actor_for(psychologist), device_id=device.pk,
                                token=totp_code(device))
    device.refresh_from_db()
    assert device.confirmed
    event = AuditEvent.objects.get(action="accounts.otp.enrolled")
    assert event.data["device"] == device.pk


def test_confirming_rolls_back_when_the_audit_fails(psychologist):
    device = services.otp_device_prepare(user=psychologist)
    with _failing_audit(), pytest.raises(Boom):
        services.otp_device_confirm(actor=actor_for(psychologist), device_id=device.pk,
                                    token=totp_code(device))
    device.refresh_from_db()
    assert not device.confirmed


def test_a_wrong_code_is_counted_for_throttling(psychologist):
    device = services.otp_device_prepare(user=psychologist)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    with pytest.raises(DomainError) as refused:
        services.otp_device_confirm(actor=actor_for(psychologist), device_id=device.pk,
                                    token=wrong)
    assert refused.value.code == "wrong_code"
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # kept although the service refused
    with pytest.raises(DomainError) as throttled:
        services.otp_device_confirm(actor=actor_for(psychologist), device_id=device.pk,
                                    token=totp_code(device))
    assert throttled.value.code == "throttled"


def test_someone_elses_device_cannot_be_confirmed(psychologist, analyst):
    device = services.otp_device_prepare(user=analyst)
    with pytest.raises(NotFound):
        services.otp_device_confirm(actor=actor_for(psychologist), device_id=device.pk,
                                    token=totp_code(device))


def test_the_code_check_returns_the_confirmed_device_and_audits(psychologist):
    device = TOTPDeviceFactory(user=psychologist)
    actor = actor_for(psychologist)
    assert services.otp_token_check(actor=actor, token=totp_code(device)) == device
    assert AuditEvent.objects.get(action="accounts.otp.verified").data["device"] == device.pk


def test_a_wrong_code_at_login_is_audited_and_counted(psychologist):
    device = TOTPDeviceFactory(user=psychologist)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    with pytest.raises(DomainError):
        services.otp_token_check(actor=actor_for(psychologist), token=wrong)
    event = AuditEvent.objects.get(action="accounts.otp.rejected")
    assert event.data["reason"] == "wrong_code"
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_the_code_check_without_a_device_is_refused(psychologist):
    with pytest.raises(DomainError) as refused:
        services.otp_token_check(actor=actor_for(psychologist), token="123456")
    assert refused.value.code == "no_device"


def test_membership_switch_audits_the_new_role(psychologist):
    other = MembershipFactory(user=psychologist, role=Role.SCHOOL_ADMIN)
    actor = actor_for(psychologist)
    assert services.membership_switch(actor=actor, membership_id=other.pk) == other
    event = AuditEvent.objects.get(action="accounts.membership.switched")
    assert event.role == Role.SCHOOL_ADMIN
    assert event.data == {"user": psychologist.pk, "from": actor.membership.pk, "to": other.pk}


def test_membership_switch_to_a_stranger_is_not_found(psychologist):
    stranger = MembershipFactory(role=Role.SCHOOL_ADMIN)
    with pytest.raises(NotFound):
        services.membership_switch(actor=actor_for(psychologist), membership_id=stranger.pk)


def test_password_change_sets_the_password_and_audits(psychologist):
    services.user_password_change(actor=actor_for(psychologist),
                                  password="another-long-passphrase-9")
    psychologist.refresh_from_db()
    assert psychologist.check_password("another-long-passphrase-9")
    assert AuditEvent.objects.filter(action="accounts.password.changed").exists()


def test_password_change_rolls_back_when_the_audit_fails(psychologist):
    with _failing_audit(), pytest.raises(Boom):
        services.user_password_change(actor=actor_for(psychologist),
                                      password="another-long-passphrase-9")
    psychologist.refresh_from_db()
    assert psychologist.check_password(PASSWORD)


def test_set_language_rolls_back_when_the_audit_fails(psychologist):
    with _failing_audit(), pytest.raises(Boom):
        services.user_set_language(user=psychologist, language="kk")
    psychologist.refresh_from_db()
    assert psychologist.language == ""

