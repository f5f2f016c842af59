"""What each role sees first: that person's work for today."""

from __future__ import annotations

from typing import Any

from safechildhood.access.policy import Actor


def home_context(actor: Actor) -> dict[str, Any]:
    return {"actor": actor}
