"""Results in and out of a campaign in bulk.

In: the school psychologist uploads a file of paper questionnaires for the school (with a
template per questionnaire to fill in); it is checked and applied in the background, all or
nothing, and its page follows the progress. Out: the centre head (identified or pseudonymised)
and the centre specialists (pseudonymised) ask for an export of the campaign's results within
their scope, follow its progress and download the file and its codebook."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safechildhood.access.policy import Action, can, require
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.screening import imports, selectors
from safechildhood.screening.models import Campaign, JobStatus, ResponseExport
from safechildhood.screening.services import exports
from safechildhood.screening.services.instruments import instrument_get

IMPORTS_PER_PAGE = 25
PROBLEMS_PER_PAGE = 50
EXPORTS_PER_PAGE = 25
ACCEPT = ".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE)[:2]


def _instrument_choices(campaign: Campaign) -> list[tuple[str, str]]:
    language = _language()
    choices = []
    for pinned in campaign.instruments:
        try:
            instrument = instrument_get(pinned["code"], pinned["version"])
        except NotFound:
            continue
        choices.append((instrument.code, instrument.localized(instrument.name, language)))
    return choices


class ResultsUploadForm(forms.Form):
    file = forms.FileField(label=_("Results file (.xlsx or .csv)"),
                           widget=forms.FileInput(attrs={"accept": ACCEPT}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "An Excel workbook or a CSV file (UTF-8 or Windows-1251), up to %(size)s."
        ) % {"size": filesizeformat(settings.ROSTER_MAX_BYTES)}


class TemplateForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Questionnaire"))

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = _instrument_choices(campaign)


class ExportForm(forms.Form):
    variant = forms.ChoiceField(label=_("What the file shows about each pupil"),
                                widget=forms.RadioSelect)
    format = forms.ChoiceField(label=_("File format"), widget=forms.RadioSelect,
                               choices=ResponseExport.Format.choices,
                               initial=ResponseExport.Format.XLSX)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the kinds of export the policy allows this person are offered.
        self.fields["variant"].choices = [
            (value, label) for value, label in ResponseExport.Variant.choices
            if can(actor, Action.RESPONSE_EXPORT, value)]
        self.fields["variant"].initial = ResponseExport.Variant.PSEUDONYMISED
        self.fields["format"].help_text = gettext(
            "XLSX: one workbook, the codebook on its second sheet. CSV (UTF-8): for "
            "statistics programs; the codebook is a separate download.")


# --- results in --------------------------------------------------------------------------------


@login_required
@require_GET
def results_import_index(request, pk: int):
    """The school's results files for a campaign, and the templates to fill in."""
    campaign = selectors.campaign_get(actor=request.actor, pk=pk)
    page = Paginator(imports.results_import_list(actor=request.actor, campaign=campaign),
                     IMPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "screening/import_list.html", {
        "campaign": campaign, "page": page, "template_form": TemplateForm(campaign=campaign),
        "is_open": campaign.status == Campaign.Status.OPEN})


@login_required
@require_http_methods(["GET", "POST"])
def results_import_create(request, pk: int):
    campaign = selectors.campaign_get(actor=request.actor, pk=pk)
    require(request.actor, Action.ASSIGNMENT_MANAGE)
    posted = request.method == "POST"
    form = ResultsUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            results_import = imports.results_import_start(
                actor=request.actor, campaign=campaign, uploaded_file=form.cleaned_data["file"])
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            return redirect("screening:results-import-detail", pk=results_import.pk)
    return render(request, "screening/import_create.html", {
        "campaign": campaign, "form": form, "template_form": TemplateForm(campaign=campaign),
        "is_open": campaign.status == Campaign.Status.OPEN,
        "instruments": _instrument_choices(campaign)},
        status=400 if posted else 200)


@login_required
@require_GET
def results_template(request, pk: int):
    """The .xlsx to fill in for one questionnaire of the campaign (the first by default)."""
    campaign = selectors.campaign_get(actor=request.actor, pk=pk)
    require(request.actor, Action.ASSIGNMENT_MANAGE)
    code = request.GET.get("instrument") or next(iter(campaign.instrument_codes), "")
    versions = {i["code"]: i["version"] for i in campaign.instruments}
    if code not in versions:
        raise NotFound(gettext("Not found."), code="not_found")
    instrument = instrument_get(code, versions[code])
    response = HttpResponse(
        imports.results_template_xlsx(instrument=instrument, language=_language()),
        content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"results-{campaign.pk}-{instrument.code}.xlsx")
    return response


@never_cache
@login_required
@require_GET
def results_import_detail(request, pk: int):
    results_import = imports.results_import_get(actor=request.actor, pk=pk)
    finished = results_import.status in (JobStatus.DONE, JobStatus.FAILED)
    page = Paginator(results_import.errors or [], PROBLEMS_PER_PAGE).get_page(
        request.GET.get("page"))
    context = {
        "results_import": results_import,
        "campaign": results_import.campaign,
        "finished": finished,
        "page": page,
        "problems": imports.problems_for_display(page.object_list),
        "updated": max(0, results_import.total_rows - results_import.created_count),
    }
    template = ("screening/_import_progress.html" if request.htmx
                else "screening/import_detail.html")
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- results out -------------------------------------------------------------------------------


def _export_page(request, campaign: Campaign, form: ExportForm, status: int = 200):
    page = Paginator(exports.response_export_list(actor=request.actor, campaign=campaign),
                     EXPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "screening/export_list.html", {
        "campaign": campaign, "form": form, "page": page}, status=status)


@login_required
@require_GET
def export_index(request, pk: int):
    """Ask for an export of the campaign's results; the person's earlier exports of it."""
    campaign = selectors.campaign_get(actor=request.actor, pk=pk)
    require(request.actor, Action.RESPONSE_EXPORT)
    return _export_page(request, campaign, ExportForm(actor=request.actor))


@login_required
@require_POST
def export_create(request, pk: int):
    campaign = selectors.campaign_get(actor=request.actor, pk=pk)
    require(request.actor, Action.RESPONSE_EXPORT)
    form = ExportForm(request.POST, actor=request.actor)
    if form.is_valid():
        try:
            export = exports.response_export_request(
                actor=request.actor, campaign=campaign, variant=form.cleaned_data["variant"],
                file_format=form.cleaned_data["format"])
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("screening:export-detail", pk=export.pk)
    return _export_page(request, campaign, form, status=400)


@never_cache
@login_required
@require_GET
def export_detail(request, pk: int):
    export = exports.response_export_get(actor=request.actor, pk=pk)
    context = {"export": export, "campaign": export.campaign,
               "finished": export.status in (JobStatus.DONE, JobStatus.FAILED)}
    template = ("screening/_export_progress.html" if request.htmx
                else "screening/export_detail.html")
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@never_cache
@login_required
@require_GET
def export_download(request, pk: int):
    export = exports.response_export_get(actor=request.actor, pk=pk)
    try:
        file_path = exports.response_export_file(actor=request.actor, export=export)
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        messages.info(request, error.message)
        return redirect("screening:export-detail", pk=export.pk)
    response = FileResponse(file_path.open("rb"), as_attachment=True,
                            filename=exports.export_file_name(export),
                            content_type=XLSX_TYPE if export.format == "xlsx"
                            else "text/csv; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_codebook(request, pk: int):
    """The codebook of an export as CSV: what each column and each answer code means."""
    export = exports.response_export_get(actor=request.actor, pk=pk)
    response = StreamingHttpResponse(
        exports.codebook_csv_lines(export.campaign, export.variant),
        content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"screening-{export.campaign_id}-codebook.csv")
    return response


urlpatterns = [
    path("campaigns/<int:pk>/imports/", results_import_index, name="results-import-list"),
    path("campaigns/<int:pk>/imports/new/", results_import_create,
         name="results-import-create"),
    path("campaigns/<int:pk>/imports/template/", results_template, name="results-template"),
    path("imports/<int:pk>/", results_import_detail, name="results-import-detail"),
    path("campaigns/<int:pk>/exports/", export_index, name="export-list"),
    path("campaigns/<int:pk>/exports/new/", export_create, name="export-create"),
    path("exports/<int:pk>/", export_detail, name="export-detail"),
    path("exports/<int:pk>/download/", export_download, name="export-download"),
    path("exports/<int:pk>/codebook/", export_codebook, name="export-codebook"),
]
