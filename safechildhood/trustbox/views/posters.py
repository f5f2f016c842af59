"""Posters of the trust box: a school's staff print their school's poster; the centre head
prints the poster of any school of the region, chosen by district."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from safechildhood.access.policy import scope
from safechildhood.geography.models import District
from safechildhood.trustbox import selectors
from safechildhood.trustbox.forms import PosterFilterForm
from safechildhood.trustbox.pdf import poster_pdf

SCHOOLS_PER_PAGE = 50


def trust_address(request, school_id: int | None = None) -> str:
    """The absolute address of the trust box, with the school chosen when given."""
    base = f"{request.scheme}://{request.get_host()}{reverse('trustbox:write')}"
    return f"{base}?{urlencode({'school': school_id})}" if school_id else base


@login_required
@require_GET
def poster_list(request):
    actor = request.actor
    districts = scope(actor, District.objects.all()).order_by("kind", "name_ru")
    search = PosterFilterForm(request.GET or None, districts=districts)
    district = search.cleaned_data.get("district") if search.is_valid() else None
    schools = selectors.poster_schools(actor=actor,
                                       district_id=district.pk if district else None)
    page = Paginator(schools, SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "trustbox/poster_list.html", {
        "search": search, "page": page, "own_school": actor.membership.school_id is not None,
        "address": trust_address(request)})


@login_required
@require_GET
def poster_pdf_view(request, pk: int):
    school = selectors.poster_school_get(actor=request.actor, pk=pk)
    address = trust_address(request, school.pk)
    short = f"{request.get_host()}{reverse('trustbox:write')}"
    names = {"kk": school.name_kk or school.name_ru, "ru": school.name_ru or school.name_kk}
    pdf = poster_pdf(address=address, short_address=short, school_names=names)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"trust-box-poster-{school.pk}.pdf")
    return response
