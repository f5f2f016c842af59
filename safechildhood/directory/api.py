"""Directory API: the schools of the caller's region (organisations, not personal data)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema

from safechildhood.access.policy import Action, Actor, require, scope
from safechildhood.directory.models import School
from safechildhood.directory.serializers import SchoolFilterInput, SchoolOutput
from safechildhood.ui.api import ActorAPIView, error_responses


def school_list(*, actor: Actor, district_id: int | None = None,
                settlement_id: int | None = None) -> QuerySet[School]:
    require(actor, Action.DIRECTORY_VIEW)
    schools = scope(actor, School.objects.all())
    if district_id is not None:
        schools = schools.filter(district_id=district_id)
    if settlement_id is not None:
        schools = schools.filter(settlement_id=settlement_id)
    return schools.order_by("name_ru", "id")


@extend_schema(tags=["directory"])
class SchoolListAPI(ActorAPIView):
    @extend_schema(
        operation_id="schools_list",
        summary=_("Schools of the region"),
        description=_("Schools of the caller's region, optionally of one district or "
                      "settlement, closed schools included (see is_active)."),
        parameters=[SchoolFilterInput],
        responses={200: SchoolOutput(many=True), **error_responses(400)},
    )
    def get(self, request):
        filters = SchoolFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = school_list(actor=self.actor,
                           district_id=filters.validated_data.get("district"),
                           settlement_id=filters.validated_data.get("settlement"))
        return self.paginated(rows, SchoolOutput)
