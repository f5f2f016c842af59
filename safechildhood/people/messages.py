"""Translated messages shared by the pupil services and forms. Codes come from the services and
from ``people.iin``; the wording is the same as the roster import's, so each sentence is
translated once."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

IIN_MESSAGES = {
    "iin_format": _("The IIN must have 12 digits."),
    "iin_checksum": _("The IIN's check digit is wrong: look for a mistyped digit."),
    "iin_century": _("The 7th digit of the IIN must be from 1 to 6."),
    "iin_date": _("The first six digits of the IIN are not a date."),
    "iin_birth_mismatch": _("The IIN does not match the date of birth."),
    "iin_sex_mismatch": _("The IIN does not match the sex."),
    "iin_same_school": _("A pupil of your school already has this IIN. Open that pupil's record "
                         "instead of adding a new one."),
    "iin_other_school": _("This IIN belongs to a pupil enrolled at another school. The pupil "
                          "has to be transferred to your school first: ask the previous school "
                          "to make the transfer."),
}

PHONE_MESSAGE = _("Write a Kazakhstan phone number: +7 and ten digits, for example "
                  "+7 701 234 56 78.")


def iin_message(code: str):
    return IIN_MESSAGES.get(code, IIN_MESSAGES["iin_format"])
