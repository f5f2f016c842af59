"""Forms of the trust box: the child's message (with a honeypot field), the reply code, and the
centre's answer, priority and poster filter."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from safechildhood.directory.models import School
from safechildhood.disclosures.forms import ConcernForm
from safechildhood.geography.models import District
from safechildhood.people.iin import IINError, parse_iin
from safechildhood.people.messages import iin_message
from safechildhood.trustbox import selectors
from safechildhood.trustbox.codes import LENGTH, reply_code_looks_valid
from safechildhood.trustbox.models import TrustMessage
from safechildhood.trustbox.services import CONTACT_DETAILS_MAX_CHARS, REPLY_MAX_CHARS

HONEYPOT = "website"  # a field people never see; automated senders fill it in


class MessageForm(forms.Form):
    """What the child writes. The place is optional and chosen without script: a district
    first, then (after "Show schools", which re-shows the form with the text kept) a school."""

    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 8}),
                           max_length=settings.TRUST_MESSAGE_MAX_CHARS,
                           error_messages={"required": _("Write your message first.")})
    language = forms.ChoiceField(choices=settings.LANGUAGES, widget=forms.HiddenInput)
    school = forms.ModelChoiceField(queryset=School.objects.filter(is_active=True),
                                    required=False, label=_("School"),
                                    empty_label=_("I do not want to say"))
    district = forms.ModelChoiceField(queryset=District.objects.all(), required=False,
                                      label=_("District or city"),
                                      empty_label=_("I do not want to say"))
    contact = forms.ChoiceField(label=_("How may we answer you?"),
                                choices=TrustMessage.Contact.choices,
                                initial=TrustMessage.Contact.CODE_ONLY,
                                widget=forms.RadioSelect)
    contact_details = forms.CharField(
        label=_("How to reach you"), required=False, max_length=CONTACT_DETAILS_MAX_CHARS,
        help_text=_("Only if you chose to be found or called: for example your name and "
                    "class, or a phone number."))
    nonce = forms.CharField(widget=forms.HiddenInput, max_length=64)
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].error_messages["max_length"] = _(
            "The message is too long: at most %(limit_value)d characters.")
        self.fields["district"].queryset = selectors.public_districts()

    def clean(self):
        data = super().clean()
        school, district = data.get("school"), data.get("district")
        if school is not None and district is not None and school.district_id != district.pk:
            # the child changed the district after choosing a school: the school goes
            data["school"] = None
        contact = data.get("contact")
        if contact and contact != TrustMessage.Contact.CODE_ONLY and \
                not (data.get("contact_details") or "").strip():
            self.add_error("contact_details", _(
                "Write how we can reach you, or choose an answer here only."))
        return data

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT))


class CodeForm(forms.Form):
    # No length limit of the field itself: every malformed code gets the very same answer as a
    # well-formed one that opens nothing (clean_code), so the page reveals nothing.
    code = forms.CharField(label=_("Your reply code"), strip=True,
                           widget=forms.TextInput(attrs={
                               "autocomplete": "off", "autocapitalize": "characters",
                               "spellcheck": "false"}))
    language = forms.ChoiceField(choices=settings.LANGUAGES, widget=forms.HiddenInput)

    def clean_code(self):
        code = self.cleaned_data["code"]
        if len(code) > 4 * LENGTH or not reply_code_looks_valid(code):
            # the same words as for a code that is well formed but opens nothing
            raise forms.ValidationError(WRONG_CODE, code="wrong")
        return code


WRONG_CODE = _("This code does not open an answer. Check the code and try again.")


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your answer to the child"), max_length=REPLY_MAX_CHARS,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": _("Write the answer first.")})


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=TrustMessage.Priority.choices)


class InboxFilterForm(forms.Form):
    show = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("waiting", _("Waiting for an answer")), ("answered", _("Answered")),
        ("closed", _("Closed")), ("all", _("All messages"))])

    def show_value(self) -> str:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("show"):
            return self.cleaned_data["show"]
        return "waiting"


class PosterFilterForm(forms.Form):
    district = forms.ModelChoiceField(queryset=District.objects.none(), required=False,
                                      label=_("District or city"),
                                      empty_label=_("All districts"))

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if districts is not None:
            self.fields["district"].queryset = districts


class PupilSearchForm(forms.Form):
    q = forms.CharField(label=_("Find the child: name or IIN"), required=False, max_length=100,
                        help_text=_("Only children you may see are found: those the centre "
                                    "already knows in your districts."))


class LookupIINForm(forms.Form):
    """Find a child the centre does not know yet by the exact IIN (checked before the search)."""

    iin = forms.CharField(label=_("IIN"), max_length=20,
                          widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                        "autocomplete": "off"}),
                          error_messages={"required": _("Write the child's IIN.")})

    def clean_iin(self) -> str:
        value = "".join(self.cleaned_data["iin"].split())
        try:
            return parse_iin(value).value
        except IINError as error:
            raise forms.ValidationError(iin_message(error.code), code=error.code) from None


class LookupNameForm(forms.Form):
    """Find a child the centre does not know yet by the exact last and first name, in one
    school of the specialist's districts."""

    last_name = forms.CharField(label=_("Last name"), max_length=100,
                                error_messages={"required": _("Write the last name.")})
    first_name = forms.CharField(label=_("First name"), max_length=100,
                                 error_messages={"required": _("Write the first name.")})
    school = forms.ModelChoiceField(queryset=School.objects.none(), label=_("School"),
                                    error_messages={"required": _("Choose the school."),
                                                    "invalid_choice": _("Choose the school.")})

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["school"].label_from_instance = (
            lambda school: f"{school.name} ({school.district.name})")


class ConvertForm(ConcernForm):
    """The concern form of disclosures, less what the trust box already says: the child
    disclosed it, through the trust box, when the message arrived."""

    pupil = forms.ModelChoiceField(queryset=None, label=_("The child"), widget=forms.RadioSelect,
                                   error_messages={"required": _("Choose the child."),
                                                   "invalid_choice": _("Choose the child.")})

    field_order = ["pupil", "category", "triage_category", "immediate_danger",
                   "safety_actions", "narrative", "send_report"]

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("disclosed_by", "channel", "disclosed_at"):
            del self.fields[name]
        self.fields["pupil"].queryset = pupils
        self.fields["narrative"].help_text = _(
            "What the child wrote, as far as it concerns this child: it starts with the "
            "message. Stored encrypted.")
