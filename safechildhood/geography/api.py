"""Geography API: the districts and settlements of the caller's region (not personal data)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema

from safechildhood.access.policy import Action, Actor, require, scope
from safechildhood.geography.models import District, Settlement
from safechildhood.geography.serializers import (
    DistrictOutput,
    SettlementFilterInput,
    SettlementOutput,
)
from safechildhood.ui.api import ActorAPIView, error_responses


def district_list(*, actor: Actor) -> QuerySet[District]:
    require(actor, Action.DIRECTORY_VIEW)
    return scope(actor, District.objects.all()).order_by("kind", "name_ru", "id")


def settlement_list(*, actor: Actor, district_id: int | None = None) -> QuerySet[Settlement]:
    require(actor, Action.DIRECTORY_VIEW)
    settlements = scope(actor, Settlement.objects.all())
    if district_id is not None:
        settlements = settlements.filter(district_id=district_id)
    return settlements.order_by("name_ru", "id")


@extend_schema(tags=["directory"])
class DistrictListAPI(ActorAPIView):
    @extend_schema(
        operation_id="districts_list",
        summary=_("Districts of the region"),
        description=_("Districts and cities of regional significance of the caller's region."),
        responses={200: DistrictOutput(many=True), **error_responses()},
    )
    def get(self, request):
        return self.paginated(district_list(actor=self.actor), DistrictOutput)


@extend_schema(tags=["directory"])
class SettlementListAPI(ActorAPIView):
    @extend_schema(
        operation_id="settlements_list",
        summary=_("Settlements of the region"),
        description=_("Cities, towns and villages of the caller's region, optionally of "
                      "one district."),
        parameters=[SettlementFilterInput],
        responses={200: SettlementOutput(many=True), **error_responses(400)},
    )
    def get(self, request):
        filters = SettlementFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = settlement_list(actor=self.actor,
                               district_id=filters.validated_data.get("district"))
        return self.paginated(rows, SettlementOutput)
