"""`manage.py demo_logins`: every demo account with role, password, scope and an API token."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from safechildhood.accounts.models import Role
from safechildhood.audit.models import AuditEvent
from safechildhood.demo.data.zhambyl import DEMO_PASSWORD, STAFF

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", pupils=50, stdout=StringIO(), stderr=StringIO())


def logins(*args) -> str:
    out = StringIO()
    call_command("demo_logins", *args, stdout=out)
    return out.getvalue()


def test_lists_every_role_and_account_with_a_token(demo):
    text = logins("--language", "en")
    for role in Role:
        assert str(role.label) in text
    tokens = {t.user.username: t.key for t in Token.objects.select_related("user")}
    assert set(tokens) == {spec.username for spec in STAFF}
    for spec in STAFF:
        line = next(line for line in text.splitlines() if f" {spec.username} " in line)
        assert tokens[spec.username] in line
        assert DEMO_PASSWORD in line


def test_shows_the_scope_of_each_account(demo):
    text = logins("--language", "en")
    assert "Tuimekent" in text
    assert "Baizak district, Zhualy district" in text
    assert "Baizak district police unit" in text
    assert "Zhambyl regional prosecutor's office" in text


def test_tokens_are_created_once_and_their_issue_audited_once(demo):
    first = logins()
    second = logins()
    assert first == second
    assert Token.objects.count() == len(STAFF)
    assert AuditEvent.objects.filter(action="demo.tokens.issued").count() == 1


def test_says_the_second_factor_is_off_in_demo_mode(demo, settings):
    settings.REQUIRE_OTP = False
    assert "second factor is off" in logins("--language", "en")


def test_says_the_second_factor_is_on_when_required(demo, settings):
    settings.REQUIRE_OTP = True
    text = logins("--language", "en")
    assert "second factor is on" in text
    assert "is off" not in text


def test_fails_when_the_demo_is_not_loaded():
    with pytest.raises(CommandError, match="not loaded"):
        logins()


def test_refuses_to_run_outside_demo_mode(demo, settings):
    settings.DEMO_MODE = settings.DEBUG = settings.TESTING = False
    with pytest.raises(CommandError, match="demo mode"):
        logins()
    assert not Token.objects.exists()


def test_prints_pupils_codes_that_open_the_questionnaire(demo, client):
    import re

    from django.urls import reverse

    text = logins("--language", "en")
    codes = re.findall(r"^  ([A-Z0-9]{4}-[A-Z0-9]{4})  ", text, flags=re.MULTILINE)
    assert codes, text
    response = client.post(reverse("answer:code"), {"code": codes[0], "language": "en"})
    assert response.status_code == 302
