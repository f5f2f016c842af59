"""The authorization matrix: every URL pattern × every role × objects inside and outside scope.

Each route needs an entry in RULES (or, for Django admin, the admin rule). A new route without an
entry fails ``test_every_route_has_a_rule``; a route that lets in a role it should not, or keeps
out one it should let in, fails ``test_matrix``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from safechildhood.accounts.models import Role
from safechildhood.accounts.tests.factories import MembershipFactory, UserFactory
from safechildhood.directory.tests.factories import (
    PoliceUnitFactory,
    ProsecutorOfficeFactory,
    SchoolFactory,
    SupportCentreFactory,
)
from safechildhood.geography.tests.factories import (
    DistrictFactory,
    RegionFactory,
    SettlementFactory,
)
from safechildhood.people.models import DuplicateCandidate, RosterImport
from safechildhood.people.tests.factories import PupilFactory

ANON = "anonymous"
OPERATOR = "operator"
ROLES = [ANON, *[r.value for r in Role], OPERATOR]
STAFF = frozenset(ROLES) - {ANON}
SCHOOL = frozenset({Role.SCHOOL_PSYCHOLOGIST.value, Role.SCHOOL_ADMIN.value})
AUDITORS = frozenset({Role.CENTRE_HEAD.value, Role.REGIONAL_ADMIN.value, OPERATOR})
API_USERS = STAFF


@dataclass
class World:
    region: Any
    other_region: Any
    school: Any
    other_school: Any
    pupil: Any
    other_pupil: Any
    duplicate: Any
    other_duplicate: Any
    roster_import: Any
    other_import: Any
    users: dict[str, Any] = field(default_factory=dict)
    # objects of the later parts (each app's tests/matrix_world.py): kind -> (inside, outside)
    screening: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def inside(self, kind: str):
        if kind in self.screening:
            return self.screening[kind][0]
        return {"pupil": self.pupil, "duplicate": self.duplicate, "import": self.roster_import,
                "school": self.school, "district": self.school.district,
                "settlement": self.school.settlement}[kind]

    def outside(self, kind: str):
        if kind in self.screening:
            return self.screening[kind][1]
        return {"pupil": self.other_pupil, "duplicate": self.other_duplicate,
                "import": self.other_import, "school": self.other_school,
                "district": self.other_school.district,
                "settlement": self.other_school.settlement}[kind]


@dataclass(frozen=True)
class Rule:
    """Who gets through. ``obj`` names the kind of object in the URL (pk), if any."""

    allow: frozenset[str]
    obj: str | None = None
    public: bool = False  # anonymous visitors get through too
    method: str = "GET"
    data: Callable[[World], dict] | None = None
    api: bool = False  # anonymous gets 401/403 instead of a login redirect


def R(allow, **kw) -> Rule:  # reads as a table
    return Rule(allow=frozenset(allow), **kw)


RULES: dict[str, Rule] = {
    "healthz": R(STAFF, public=True),
    "ui:home": R(STAFF),
    "ui:set-language": R(STAFF, public=True, method="POST", data=lambda w: {"language": "kk"}),
    "accounts:login": R(STAFF, public=True),
    "accounts:logout": R(STAFF),
    "accounts:otp-verify": R(STAFF),
    "accounts:otp-setup": R(STAFF),
    "accounts:profile": R(STAFF),
    "accounts:password-change": R(STAFF),
    "accounts:membership-switch": R(STAFF, method="POST", data=lambda w: {}),
    "people:pupil-list": R(SCHOOL),
    "people:pupil-create": R(SCHOOL),
    "people:pupil-detail": R(SCHOOL, obj="pupil"),
    "people:pupil-edit": R(SCHOOL, obj="pupil"),
    "people:pupil-transfer": R(SCHOOL, obj="pupil"),
    "people:guardian-create": R(SCHOOL, obj="pupil"),
    "people:consent-create": R(SCHOOL, obj="pupil"),
    "people:duplicate-list": R(SCHOOL),
    "people:duplicate-resolve": R(SCHOOL, obj="duplicate"),
    "people:roster-import-list": R(SCHOOL),
    "people:roster-import-create": R(SCHOOL),
    "people:roster-template": R(SCHOOL),
    "people:roster-import-detail": R(SCHOOL, obj="import"),
    "audit:event-list": R(AUDITORS),
    "api-schema": R(API_USERS, api=True),
    "api-docs": R(API_USERS, api=True),
    "api:me": R(API_USERS, api=True),
    "api:district-list": R(API_USERS, api=True),
    "api:settlement-list": R(API_USERS, api=True),
    "api:school-list": R(API_USERS, api=True),
    "api:pupil-list": R(SCHOOL, api=True),
    "api:pupil-detail": R(SCHOOL, obj="pupil", api=True),
    "api:pupil-transfer": R(SCHOOL, obj="pupil", api=True, method="POST", data=lambda w: {}),
    "api:roster-list": R(SCHOOL, api=True),
    "api:roster-detail": R(SCHOOL, obj="import", api=True),
}


def _more_rules() -> None:
    """Each part of the programme keeps its rules beside its tests, in a module named
    ``matrix_rules.py`` holding ``rules(R, roles)``; they are merged here."""
    import importlib
    import pkgutil

    import safechildhood

    roles = {"STAFF": STAFF, "SCHOOL": SCHOOL, "AUDITORS": AUDITORS, "API_USERS": API_USERS}
    for info in pkgutil.iter_modules(safechildhood.__path__):
        try:
            module = importlib.import_module(f"safechildhood.{info.name}.tests.matrix_rules")
        except ModuleNotFoundError:
            continue
        RULES.update(module.rules(R, roles))


_more_rules()


def _walk(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern):
            # Unnamed patterns are known by their namespace and pattern, e.g. "admin:<path>".
            yield (f"{prefix}{entry.name or entry.pattern}" if entry.name or prefix
                   else None), entry


def all_routes() -> list[tuple[str | None, URLPattern]]:
    return list(_walk(get_resolver().url_patterns))


def _is_admin(name: str | None) -> bool:
    return bool(name) and name.startswith("admin:")


def test_every_route_has_a_rule():
    missing = sorted(
        {str(name or pattern.pattern) for name, pattern in all_routes()
         if not _is_admin(name) and name not in RULES}
    )
    assert not missing, f"Routes without an authorization rule: {missing}"


@pytest.fixture
def world(db) -> World:
    region, other_region = RegionFactory(), RegionFactory()
    district = DistrictFactory(region=region)
    school = SchoolFactory(settlement=SettlementFactory(district=district))
    other_school = SchoolFactory(settlement=SettlementFactory(district=DistrictFactory(
        region=other_region)))
    pupil = PupilFactory(school=school)
    twin = PupilFactory(school=school, last_name=pupil.last_name)
    other_pupil = PupilFactory(school=other_school)
    other_twin = PupilFactory(school=other_school, last_name=other_pupil.last_name)
    w = World(
        region=region, other_region=other_region, school=school, other_school=other_school,
        pupil=pupil, other_pupil=other_pupil,
        duplicate=DuplicateCandidate.objects.create(first=pupil, second=twin,
                                                    reason=DuplicateCandidate.Reason.SAME_NAME_BIRTH),
        other_duplicate=DuplicateCandidate.objects.create(
            first=other_pupil, second=other_twin, reason=DuplicateCandidate.Reason.SAME_NAME_BIRTH),
        roster_import=None, other_import=None,
    )
    scopes = {
        Role.SCHOOL_PSYCHOLOGIST: {"school": school},
        Role.SCHOOL_ADMIN: {"school": school},
        Role.CENTRE_SPECIALIST: {"centre": SupportCentreFactory(region=region),
                                 "districts": [district]},
        Role.CENTRE_HEAD: {"centre": SupportCentreFactory(region=region)},
        Role.POLICE_INSPECTOR: {"police_unit": PoliceUnitFactory(district=district)},
        Role.PROSECUTOR_ANALYST: {"prosecutor_office": ProsecutorOfficeFactory(region=region)},
        Role.REGIONAL_ADMIN: {"region_scope": region},
    }
    for role, scope in scopes.items():
        membership = MembershipFactory(role=role, **scope)
        w.users[role.value] = membership.user
        if role == Role.REGIONAL_ADMIN:
            membership.user.is_staff = True
            membership.user.save()
    w.users[OPERATOR] = UserFactory(is_superuser=True, is_staff=True)
    uploader = w.users[Role.SCHOOL_ADMIN.value]
    w.roster_import = RosterImport.objects.create(school=school, uploaded_by=uploader,
                                                  file_name="roster.csv", content=b"")
    w.other_import = RosterImport.objects.create(school=other_school, uploaded_by=uploader,
                                                 file_name="roster.csv", content=b"")
    _more_objects(w)
    return w


def _more_objects(w: World) -> None:
    """Each part of the programme adds its objects from ``<app>/tests/matrix_world.py``:
    ``objects(w)`` returns {kind: (inside, outside)}, built on the objects already there (the
    screening part runs first, then the others in name order)."""
    import importlib
    import pkgutil

    import safechildhood

    names = sorted((info.name for info in pkgutil.iter_modules(safechildhood.__path__)),
                   key=lambda name: (name != "screening", name))
    for name in names:
        try:
            module = importlib.import_module(f"safechildhood.{name}.tests.matrix_world")
        except ModuleNotFoundError:
            continue
        w.screening.update(module.objects(w))


def _kwargs(pattern: URLPattern, obj) -> dict:
    keys = list(pattern.pattern.converters)
    if not keys:
        return {}
    assert obj is not None, f"{pattern.pattern} takes {keys} but its rule names no object"
    return {keys[0]: obj.pk}


def _outcome(response, api: bool) -> str:
    status = response.status_code
    location = response.get("Location", "")
    if status in (401,) or (status in (302, 303) and "/login" in location):
        return "login"
    if status == 403 and api and not response.wsgi_request.user.is_authenticated:
        return "login"
    if status == 404:
        return "notfound"
    if status in (403, 405):
        return "deny"
    if status <= 400:
        # 400: the request got past access control to validation (an empty form).
        return "ok"
    return f"error {status}"


def _client_for(client, world: World, role: str):
    if role != ANON:
        client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_matrix(role, world, client, settings):
    settings.REQUIRE_OTP = False  # the second factor has its own tests; here: scope
    settings.AXES_ENABLED = False
    _client_for(client, world, role)
    wrong = []
    for name, pattern in all_routes():
        if _is_admin(name) or name not in RULES:
            continue
        rule = RULES[name]
        cases = [(True, world.inside(rule.obj))] if rule.obj else [(True, None)]
        if rule.obj:
            cases.append((False, world.outside(rule.obj)))
        for inside, obj in cases:
            url = reverse(name, kwargs=_kwargs(pattern, obj))
            data = rule.data(world) if rule.data else {}
            response = (client.post(url, data) if rule.method == "POST"
                        else client.get(url, data))
            got = _outcome(response, rule.api)
            if role == ANON and not rule.public:
                expected = {"login"}
            elif role in rule.allow or (role == ANON and rule.public):
                expected = {"ok"} if inside else {"notfound"}
            else:
                expected = {"deny", "notfound"}
            if got not in expected:
                wrong.append(f"{name} {'in' if inside else 'out of'} scope: got {got} "
                             f"({response.status_code}), expected {sorted(expected)}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


ADMINS = frozenset({Role.REGIONAL_ADMIN.value, OPERATOR})
# Admin pages that are not for regional administrators whatever the model (operator-only or
# redirects/helpers that need extra parameters).
ADMIN_NOT_A_PAGE = {"admin:login", "admin:logout", "admin:jsi18n", "admin:autocomplete",
                    "admin:view_on_site", "admin:password_change", "admin:password_change_done"}


def _admin_object(world: World, name: str, inside: bool):
    """An object for an admin route like ``admin:directory_school_change``: one in the
    administrator's region, or one in another region."""
    from django.contrib import admin

    model = next(m for m in admin.site._registry
                 if name.startswith(f"admin:{m._meta.app_label}_{m._meta.model_name}_"))
    school = world.school if inside else world.other_school
    region = world.region if inside else world.other_region
    candidates = {
        "region": region, "district": school.district, "settlement": school.settlement,
        "school": school, "user": world.users[Role.SCHOOL_PSYCHOLOGIST.value] if inside
        else MembershipFactory(role=Role.SCHOOL_PSYCHOLOGIST, school=world.other_school).user,
    }
    if model._meta.model_name in candidates:
        return candidates[model._meta.model_name]
    for field_name, value in (("region", region), ("district", school.district)):
        if any(f.name == field_name for f in model._meta.fields):
            return model._default_manager.filter(**{field_name: value}).first()
    return None


@pytest.mark.parametrize("role", ROLES)
def test_admin_matrix(role, world, client, settings):
    """Only regional administrators and operators enter the admin, and a regional
    administrator opens nothing of another region."""
    from django.contrib import admin

    from safechildhood.access.policy import ADMIN_MANAGED_MODELS
    from safechildhood.directory.tests.factories import ServiceProviderFactory

    settings.REQUIRE_OTP = False
    settings.AXES_ENABLED = False
    for region in (world.region, world.other_region):
        ServiceProviderFactory(region=region)
        SupportCentreFactory(region=region)
        ProsecutorOfficeFactory(region=region)
        PoliceUnitFactory(district=DistrictFactory(region=region))
    _client_for(client, world, role)
    wrong = []
    checked = 0
    for name, pattern in all_routes():
        if not _is_admin(name) or name in ADMIN_NOT_A_PAGE or not (pattern.name or ""):
            continue
        keys = list(pattern.pattern.regex.groupindex)
        if keys and keys != ["object_id"]:
            continue  # app_list takes an app label; covered through the index
        for inside in (True, False) if keys else (True,):
            obj = _admin_object(world, name, inside) if keys else None
            if keys and obj is None:
                continue
            url = reverse(name, kwargs={"object_id": obj.pk} if keys else {})
            status = client.get(url).status_code
            checked += 1
            if role == OPERATOR:
                if status >= 500:
                    wrong.append(f"{name}: {status}")
                continue  # operators see every region and the third-party admin pages
            model = next((m for m in admin.site._registry
                          if name.startswith(f"admin:{m._meta.app_label}_{m._meta.model_name}_")),
                         None)
            region_setup = name in ("admin:geography_region_add", "admin:geography_region_delete")
            allowed = (role == Role.REGIONAL_ADMIN.value and inside and not region_setup
                       and (model is None or model in ADMIN_MANAGED_MODELS))
            if allowed and status != 200:
                wrong.append(f"{name}: {status}, expected 200")
            elif not allowed and status == 200:
                wrong.append(f"{name} {'in' if inside else 'out of'} scope: 200, expected refusal")
    assert checked > 30
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
