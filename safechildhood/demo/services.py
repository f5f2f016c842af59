"""Writing the demo into the database: ``demo_load`` builds Zhambyl region with its organisations,
demo staff and generated pupils; ``demo_tokens_ensure`` gives every demo account an API token.

Demo mode only (the management commands check it): the demo holds invented children and accounts
with a published password.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from safechildhood.accounts.models import ROLE_SCOPE_FIELD, Membership, Role, User
from safechildhood.audit.services import audit_record
from safechildhood.demo.cases import demo_cases
from safechildhood.demo.data.zhambyl import (
    CENTRE,
    DEMO_PASSWORD,
    DISTRICTS,
    LOADER_USERNAME,
    PROSECUTOR_OFFICE,
    PROVIDERS,
    REGION,
    STAFF,
    Names,
)
from safechildhood.demo.disclosures import demo_disclosures
from safechildhood.demo.generator import DemoPlan, PupilRow, current_school_year
from safechildhood.demo.prevention import demo_prevention
from safechildhood.demo.screening import demo_screening
from safechildhood.demo.statistics import demo_statistics
from safechildhood.demo.trustbox import demo_trustbox
from safechildhood.directory.models import (
    PoliceUnit,
    ProsecutorOffice,
    School,
    ServiceProvider,
    SupportCentre,
)
from safechildhood.errors import DomainError
from safechildhood.geography.models import District, Region, Settlement
from safechildhood.people.models import Consent, Enrollment, Guardian, Pupil
from safechildhood.people.names import match_key
from safechildhood.people.services import duplicates_detect

BATCH_SIZE = 5000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoSummary:
    region: int
    districts: int
    settlements: int
    schools: int
    pupils: int
    guardians: int
    consents: int
    staff: int
    duplicate_pairs: int
    duplicates_found: int
    seed: int
    school_year: int


def demo_region_exists() -> bool:
    return Region.objects.filter(name_ru=REGION.ru).exists()


def demo_load(
    *,
    pupils: int,
    seed: int,
    school_year: int | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> DemoSummary:
    """Build the demo in one transaction: all of it or nothing. Pupils are generated and written
    in batches of ``batch_size``; ``progress(done, total)`` is called after each batch."""
    if pupils < 0:
        raise DomainError(_("The number of pupils cannot be negative."), code="demo_pupils")
    today = timezone.localdate()
    plan = DemoPlan(pupils=pupils, seed=seed, as_of=today,
                    school_year=school_year or current_school_year(today))
    with transaction.atomic():
        if demo_region_exists():
            raise DomainError(_("Zhambyl region already exists: the demo is loaded only into a "
                                "database without it."), code="demo_exists")
        region = Region.objects.create(**_names(REGION))
        districts, settlements = _create_geography(region)
        schools = _create_schools(plan, settlements)
        centre = SupportCentre.objects.create(region=region, **_names(CENTRE))
        office = ProsecutorOffice.objects.create(region=region, **_names(PROSECUTOR_OFFICE))
        units = {spec.key: PoliceUnit.objects.create(district=districts[spec.key],
                                                     **_names(spec.police))
                 for spec in DISTRICTS}
        ServiceProvider.objects.bulk_create(
            ServiceProvider(kind=kind, region=region, district=districts["taraz"], **_names(names))
            for kind, names in PROVIDERS
        )
        staff = _create_staff(
            region=region, centre=centre, office=office, units=units, districts=districts,
            schools={s.demo_key: schools[s.index] for s in plan.schools if s.demo_key},
        )
        recorders = _consent_recorders(plan, staff)
        counts = _create_pupils(plan, schools, recorders, batch_size=batch_size,
                                progress=progress)
        demo_schools = [schools[s.index] for s in plan.schools if s.demo_key]
        specialists = {staff[spec.username]: spec.districts for spec in STAFF if spec.districts}
        demo_screening(
            seed=seed, region=region, centre=centre, head=staff["head"], schools=demo_schools,
            specialists=specialists, districts=districts)
        demo_cases(
            seed=seed, region=region, centre=centre, head=staff["head"],
            specialists=specialists,
            districts=districts, schools=demo_schools)
        demo_disclosures(seed=seed, region=region, schools=demo_schools, staff=staff)
        demo_trustbox(seed=seed, head=staff["head"], specialists=specialists,
                      districts=districts, schools=demo_schools)
        demo_prevention(seed=seed, region=region, head=staff["head"], districts=districts,
                        schools=demo_schools)
        demo_statistics(seed=seed, analyst=staff["analyst"])
        summary = DemoSummary(
            region=region.pk, districts=len(districts), settlements=len(settlements),
            schools=len(schools), staff=len(staff), duplicate_pairs=plan.duplicate_pairs,
            seed=seed, school_year=plan.school_year, **counts,
        )
        audit_record(actor=None, action="demo.loaded", target=region, data=asdict(summary))
    return summary


def _names(names: Names) -> dict[str, str]:
    return {"name_kk": names.kk, "name_ru": names.ru, "name_en": names.en}


def _create_geography(region: Region) -> tuple[dict[str, District], dict[str, Settlement]]:
    districts: dict[str, District] = {}
    settlements: dict[str, Settlement] = {}
    for spec in DISTRICTS:
        # KATO codes stay blank: they come from the official classifier, never invented.
        district = District.objects.create(region=region, kind=spec.kind, **_names(spec.names))
        districts[spec.key] = district
        for place in spec.settlements:
            settlements[place.key] = Settlement.objects.create(
                district=district, kind=place.kind, **_names(place.names)
            )
    return districts, settlements


def _create_schools(plan: DemoPlan, settlements: dict[str, Settlement]) -> list[School]:
    # bulk_create skips School.save(), which copies the district from the settlement: do it here.
    return School.objects.bulk_create(
        School(settlement=settlements[s.settlement],
               district_id=settlements[s.settlement].district_id,
               language=s.language, **_names(s.names))
        for s in plan.schools
    )


def _create_staff(*, region: Region, centre: SupportCentre, office: ProsecutorOffice,
                  units: dict[str, PoliceUnit], districts: dict[str, District],
                  schools: dict[str, School]) -> dict[str, User]:
    password = make_password(DEMO_PASSWORD)  # hashed once: the same password for everyone
    staff: dict[str, User] = {}
    for spec in STAFF:
        user = User(username=spec.username, first_name=spec.first_name,
                    last_name=spec.last_name, is_staff=spec.is_staff)
        validate_password(DEMO_PASSWORD, user=user)
        user.password = password
        user.save()
        field = ROLE_SCOPE_FIELD[spec.role]
        organisation = {"school": schools.get(spec.school), "centre": centre,
                        "police_unit": units.get(spec.police), "prosecutor_office": office,
                        "region": region}[field]
        membership = Membership(user=user, role=spec.role)
        setattr(membership, "region_scope" if field == "region" else field, organisation)
        membership.clean()  # the role's organisation is set; derives the region
        membership.save()
        if spec.districts:
            membership.districts.set([districts[key] for key in spec.districts])
        staff[spec.username] = user
    return staff


def _consent_recorders(plan: DemoPlan, staff: dict[str, User]) -> dict[int, User]:
    """Who recorded each school's consents: the demo school's administrator where there is one,
    else the inactive loader account that marks generated records."""
    loader = User(username=LOADER_USERNAME, is_active=False)
    loader.set_unusable_password()
    loader.save()
    admins = {spec.school: staff[spec.username] for spec in STAFF
              if spec.role == Role.SCHOOL_ADMIN}
    return {s.index: admins.get(s.demo_key, loader) for s in plan.schools}


def _batches(rows: Iterable[PupilRow], size: int) -> Iterable[list[PupilRow]]:
    batch: list[PupilRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _create_pupils(plan: DemoPlan, schools: list[School], recorders: dict[int, User], *,
                   batch_size: int, progress: Progress | None) -> dict[str, int]:
    counts = {"pupils": 0, "guardians": 0, "consents": 0}
    duplicate_ids: list[int] = []
    for batch in _batches(plan.pupil_rows(), batch_size):
        written, duplicates = _write_batch(batch, schools, recorders)
        for key, value in written.items():
            counts[key] += value
        duplicate_ids.extend(duplicates)
        if progress is not None:
            progress(counts["pupils"], plan.pupils)
    counts["duplicates_found"] = _detect_duplicates(duplicate_ids)
    return counts


def _write_batch(batch: list[PupilRow], schools: list[School],
                 recorders: dict[int, User]) -> tuple[dict[str, int], list[int]]:
    """Write one batch of pupils with their enrolments, guardians and consents. Returns the counts
    and the ids of pupils that belong to a deliberate duplicate pair."""
    pupils = Pupil.objects.bulk_create(
        Pupil(
            iin=row.iin, last_name=row.last_name, first_name=row.first_name,
            middle_name=row.middle_name, birth_date=row.birth_date, sex=row.sex,
            school=schools[row.school], grade=row.grade, class_letter=row.class_letter,
            match_key=match_key(row.last_name, row.first_name, row.birth_date),
        )
        for row in batch
    )
    Enrollment.objects.bulk_create(
        Enrollment(pupil=pupil, school_id=pupil.school_id, grade=row.grade,
                   class_letter=row.class_letter, started_on=row.enrolled_on)
        for row, pupil in zip(batch, pupils, strict=True)
    )
    guardians = Guardian.objects.bulk_create(
        Guardian(pupil=pupil, relation=g.relation, full_name=g.full_name, phone=g.phone)
        for row, pupil in zip(batch, pupils, strict=True)
        for g in row.guardians
    )
    first_guardian: dict[int, Guardian] = {}
    for guardian in guardians:
        first_guardian.setdefault(guardian.pupil_id, guardian)
    consents = Consent.objects.bulk_create(
        Consent(pupil=pupil, guardian=first_guardian.get(pupil.pk), decision=row.consent,
                decided_on=row.consent_on, recorded_by=recorders[row.school])
        for row, pupil in zip(batch, pupils, strict=True)
        if row.consent is not None
    )
    counts = {"pupils": len(pupils), "guardians": len(guardians), "consents": len(consents)}
    return counts, [p.pk for row, p in zip(batch, pupils, strict=True)
                    if row.duplicate_pair is not None]


def _detect_duplicates(pupil_ids: list[int]) -> int:
    """Let the people app find the deliberate duplicates, as it would after a roster import."""
    return duplicates_detect(pupil_ids=pupil_ids) if pupil_ids else 0


# --- logins ------------------------------------------------------------------------------------


def demo_tokens_ensure() -> int:
    """Give every demo account an API token; returns how many were created."""
    with transaction.atomic():
        users = list(User.objects.filter(username__in=[s.username for s in STAFF]))
        created = sorted(user.pk for user in users if Token.objects.get_or_create(user=user)[1])
        if created:
            audit_record(actor=None, action="demo.tokens.issued", data={"users": created})
    return len(created)
