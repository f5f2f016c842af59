"""What the triage and case views share: a triage proposal's evidence as readable rows, and a
service's refusal shown on its form."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils.translation import gettext

from safechildhood.screening import selectors_answers as screening
from safechildhood.screening.models import TriageProposal


def _choice_label(model: str, choices: str, code: Any) -> str | None:
    """The label of a code of another app's choices (disclosures), if that app is installed."""
    try:
        enum = getattr(apps.get_model(*model.split(".")), choices)
    except (LookupError, AttributeError):
        return None
    return str(enum(code).label) if code in enum.values else None


def evidence_rows(proposal: TriageProposal) -> dict[str, Any]:
    """A proposal with its evidence as (label, value) pairs in the reader's language: the
    instrument, score, band and flags of a screening result; the crisis alert it raised; who
    reported a concern, how and when."""
    evidence = proposal.evidence or {}
    lang = screening.language()
    facts: list[tuple[str, str]] = []
    if evidence.get("instrument"):
        instrument = screening.instrument_for(evidence["instrument"], evidence.get("version"))
        facts.append((gettext("Questionnaire"),
                      screening.instrument_name(instrument, evidence["instrument"], lang)))
        if evidence.get("total") is not None:
            facts.append((gettext("Score"), str(evidence["total"])))
        if evidence.get("band"):
            facts.append((gettext("Band"),
                          screening.band_label(instrument, evidence["band"], lang)))
        if evidence.get("flags"):
            facts.append((gettext("Flags"),
                          "; ".join(screening.flag_labels(instrument, evidence["flags"], lang))))
    if "disclosed_by" in evidence:
        label = _choice_label("disclosures.Concern", "DisclosedBy", evidence["disclosed_by"])
        facts.append((gettext("Who told"), label or str(evidence["disclosed_by"])))
    if "channel" in evidence:
        label = _choice_label("disclosures.Concern", "Channel", evidence["channel"])
        facts.append((gettext("How"), label or str(evidence["channel"])))
    if evidence.get("immediate_danger"):
        facts.append((gettext("Immediate danger"), gettext("yes")))
    alert = getattr(proposal.response, "alert", None) if proposal.response_id else None
    return {"proposal": proposal, "facts": facts, "alert": alert}
