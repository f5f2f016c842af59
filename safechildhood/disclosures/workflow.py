"""The rules of the reporting duty and of a police report's status, as data: which categories
must be reported, and which status may follow which. The services apply them; the access rules
read them to offer only the steps that exist."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from safechildhood.disclosures.models import Concern, PoliceReport
from safechildhood.screening.models import TriageProposal

Category = Concern.Category
Status = PoliceReport.Status
Level = TriageProposal.Level

# Categories that must be reported to the police. Kazakhstan's Criminal Procedure Code obliges
# officials who learn of a criminal offence to report it, and the child-protection rules of the
# Ministry of Education require educational organisations to inform the police when a pupil is
# a victim: violence in the family, sexual abuse, neglect of a child's care and exploitation are
# offences against the child. Bullying and "other" concerns are reported when the reporter judges
# them a crime: the system lets them send a report all the same.
REPORTABLE_CATEGORIES: frozenset[str] = frozenset({
    Category.FAMILY_VIOLENCE,
    Category.SEXUAL_ABUSE,
    Category.NEGLECT,
    Category.EXPLOITATION,
})

# The risk-group category a concern proposes (case-management triage); "other" takes the
# category the reporter chose as closest.
TRIAGE_CATEGORY: dict[str, str] = {
    Category.FAMILY_VIOLENCE: TriageProposal.Category.FAMILY_VIOLENCE,
    Category.SEXUAL_ABUSE: TriageProposal.Category.SEXUAL_ABUSE,
    Category.NEGLECT: TriageProposal.Category.NEGLECT,
    Category.EXPLOITATION: TriageProposal.Category.EXPLOITATION,
    Category.BULLYING: TriageProposal.Category.BULLYING,
}

# The categories a reporter may pick as closest for "other" (those not covered above).
OTHER_TRIAGE_CHOICES: tuple[str, ...] = tuple(
    c for c in TriageProposal.Category.values if c not in TRIAGE_CATEGORY.values())

# The level of the proposed risk-group entry; a child who may be in danger now is critical.
TRIAGE_LEVEL: dict[str, str] = {
    Category.FAMILY_VIOLENCE: Level.HIGH,
    Category.SEXUAL_ABUSE: Level.HIGH,
    Category.EXPLOITATION: Level.HIGH,
    Category.NEGLECT: Level.MEDIUM,
    Category.BULLYING: Level.MEDIUM,
    Category.OTHER: Level.MEDIUM,
}

# The steps a police report goes through. Sending is the school's (or the centre's), every other
# step the juvenile inspector's of the unit it was sent to. A refusal to open a case ends it.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.SENT}),
    Status.SENT: frozenset({Status.ACKNOWLEDGED}),
    Status.ACKNOWLEDGED: frozenset({Status.REGISTERED, Status.REFUSED}),
    Status.REGISTERED: frozenset({Status.INVESTIGATION, Status.REFUSED}),
    Status.INVESTIGATION: frozenset({Status.COURT}),
    Status.COURT: frozenset({Status.VERDICT}),
    Status.VERDICT: frozenset(),
    Status.REFUSED: frozenset(),
}

# Statuses the inspector moves on with the status form (after acknowledging).
POLICE_STEPS: frozenset[str] = frozenset({
    Status.ACKNOWLEDGED, Status.REGISTERED, Status.INVESTIGATION, Status.COURT})
FINAL: frozenset[str] = frozenset(s for s, after in TRANSITIONS.items() if not after)
# Reports the police are working on: the prosecutor watches these for standstill.
OPEN_WITH_POLICE: frozenset[str] = frozenset({
    Status.SENT, Status.ACKNOWLEDGED, Status.REGISTERED, Status.INVESTIGATION, Status.COURT})

ERDR_PATTERN = re.compile(r"^\d{15}$")
ERDR_FORMAT_ERROR = _("The ERDR registration number is 15 digits, for example "
                      "255000031000123.")


def next_statuses(status: str) -> frozenset[str]:
    return TRANSITIONS.get(status, frozenset())


def normalise_erdr(raw: str) -> str:
    """Digits only: spaces and dashes people type between groups are dropped."""
    return re.sub(r"[\s\-]", "", raw or "")
