"""Trust box objects for the authorization matrix: a message naming the test region's school
(inside the centre staff's area) and one naming the school of another region. A message naming
no place would be seen by every centre, so none is made here."""

from __future__ import annotations

from safechildhood.trustbox.services import message_submit


def objects(w) -> dict[str, tuple]:
    inside = message_submit(body="Matrix message", language="en", school=w.school).message
    outside = message_submit(body="Matrix message", language="en",
                             school=w.other_school).message
    return {"trust_message": (inside, outside)}
