"""Roster import pages: the list of a school's imports, the upload form, the template download
and an import's progress and result."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from safechildhood.access.policy import Action, require
from safechildhood.errors import DomainError, Forbidden, NotFound
from safechildhood.people import imports
from safechildhood.people.imports.columns import COLUMN_LABELS, FIELDS, REQUIRED
from safechildhood.people.models import RosterImport

IMPORTS_PER_PAGE = 25
PROBLEMS_PER_PAGE = 50
ACCEPT = ".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx or .csv)"),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "An Excel workbook or a CSV file (UTF-8 or Windows-1251), up to %(size)s."
        ) % {"size": filesizeformat(settings.ROSTER_MAX_BYTES)}


@login_required
@require_GET
def roster_import_list(request):
    page = Paginator(imports.roster_import_list(actor=request.actor),
                     IMPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "people/roster_import_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def roster_import_create(request):
    require(request.actor, Action.ROSTER_IMPORT)
    posted = request.method == "POST"
    form = RosterUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            roster_import = imports.roster_import_start(
                actor=request.actor, school=request.actor.membership.school,
                uploaded_file=form.cleaned_data["file"])
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            # The import's page says what is happening; no flash message on top of it.
            return redirect("people:roster-import-detail", pk=roster_import.pk)
    return render(request, "people/roster_import_create.html", {
        "form": form,
        "required_columns": [COLUMN_LABELS[name] for name in REQUIRED],
        "optional_columns": [COLUMN_LABELS[name] for name in FIELDS if name not in REQUIRED],
    })


@login_required
@require_GET
def roster_template(request):
    require(request.actor, Action.ROSTER_IMPORT)
    language = translation.get_language() or settings.LANGUAGE_CODE
    response = HttpResponse(
        imports.roster_template_xlsx(language[:2]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="roster-template-{language[:2]}.xlsx"'
    return response


@never_cache
@login_required
@require_GET
def roster_import_detail(request, pk: int):
    roster_import = imports.roster_import_get(actor=request.actor, pk=pk)
    finished = roster_import.status in (RosterImport.Status.DONE, RosterImport.Status.FAILED)
    page = Paginator(roster_import.errors or [], PROBLEMS_PER_PAGE).get_page(
        request.GET.get("page"))
    context = {
        "roster_import": roster_import,
        "finished": finished,
        "page": page,
        "problems": imports.problems_for_display(page.object_list),
        "unchanged": max(0, roster_import.total_rows - roster_import.created_count
                         - roster_import.updated_count),
    }
    template = ("people/_roster_progress.html" if request.htmx
                else "people/roster_import_detail.html")
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response
