"""GET /api/me/: who the caller is, which role they act through and what that role covers.

Integrations read it to learn the membership ids they may send in ``X-Membership``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from safechildhood.accounts.models import Membership
from safechildhood.ui.api import ActorAPIView, NamedRefOutput, error_responses


class OrganisationOutput(NamedRefOutput):
    type = serializers.ChoiceField(
        choices=["school", "centre", "police_unit", "prosecutor_office", "region"],
        help_text=_("What kind of organisation the role is held in."),
    )


class MembershipOutput(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    organisation = serializers.SerializerMethodField()
    region = NamedRefOutput()
    districts = serializers.SerializerMethodField(
        help_text=_("Districts assigned (centre specialists); empty for other roles."))

    @extend_schema_field(OrganisationOutput(allow_null=True))
    def get_organisation(self, membership: Membership) -> dict | None:
        for kind in ("school", "centre", "police_unit", "prosecutor_office", "region_scope"):
            org = getattr(membership, kind)
            if org is not None:
                return {"type": "region" if kind == "region_scope" else kind, "id": org.pk,
                        "name": org.name}
        return None

    @extend_schema_field(NamedRefOutput(many=True))
    def get_districts(self, membership: Membership) -> list[dict]:
        return [{"id": d.pk, "name": d.name} for d in membership.districts.all()]


class MeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    language = serializers.CharField(help_text=_("Language stored on the account (kk, ru, en) "
                                                 "or empty."))
    is_operator = serializers.BooleanField(
        help_text=_("Runs the installation without a programme role; sees no children."))
    active_membership = MembershipOutput(allow_null=True,
                                         help_text=_("The role this request acts through."))
    memberships = MembershipOutput(many=True, help_text=_("Every active role of the account."))


@extend_schema(tags=["me"])
class MeAPI(ActorAPIView):
    @extend_schema(
        operation_id="me_retrieve",
        summary=_("The caller"),
        description=_("The signed-in account, the role this request acts through (choose "
                      "another with the X-Membership header) and every active role."),
        responses={200: MeOutput, **error_responses()},
    )
    def get(self, request):
        actor = self.actor
        user = actor.user
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "full_name": user.get_full_name(),
            "language": user.language,
            "is_operator": actor.is_operator,
            "active_membership": actor.membership,
            "memberships": [m for m in user.memberships.all() if m.is_active],
        }
        return Response(MeOutput(data).data)
