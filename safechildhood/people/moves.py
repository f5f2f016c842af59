"""Records of other apps that keep a copy of where a pupil studies now, and follow the pupil
when they move school.

``people`` imports no other domain app (CONVENTIONS.md, "Dependencies point one way": cases,
screening and disclosures import people), yet a risk case stores its pupil's current school and
district so that the statistics count a region's cases without reading its pupils. An app that
keeps such a copy registers a follower here in its ``AppConfig.ready``; ``pupil_transfer`` calls
every follower inside its transaction, after the pupil's row has its new school, so that the
copies change together with the pupil or not at all.

Records that keep where the pupil was *at the time* (screening assignments, crisis alerts,
concerns) are not copies of the current school and do not follow.
"""

from __future__ import annotations

from collections.abc import Callable

from safechildhood.people.models import Pupil

Follower = Callable[[Pupil], object]

_followers: list[Follower] = []


def pupil_follower_register(follower: Follower) -> None:
    """Call ``follower(pupil)`` whenever a pupil moves school (once, however often registered)."""
    if follower not in _followers:
        _followers.append(follower)


def pupil_moved(pupil: Pupil) -> None:
    """Tell every follower that ``pupil`` (saved, with the new school) moved. Inside the
    mover's transaction: a follower that fails rolls the move back."""
    for follower in _followers:
        follower(pupil)
