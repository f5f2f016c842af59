"""Input and output shapes of the geography API. Names are given in all three languages and,
as ``name``, in the caller's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from safechildhood.geography.models import District, Settlement


class DistrictOutput(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("Name in the caller's language."))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = District
        fields = ["id", "name", "name_kk", "name_ru", "name_en", "kind", "kind_label", "kato",
                  "region"]
        read_only_fields = fields


class SettlementFilterInput(serializers.Serializer):
    district = serializers.IntegerField(required=False, min_value=1,
                                        help_text=_("Only settlements of this district."))


class SettlementOutput(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("Name in the caller's language."))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Settlement
        fields = ["id", "name", "name_kk", "name_ru", "name_en", "kind", "kind_label", "kato",
                  "district"]
        read_only_fields = fields
