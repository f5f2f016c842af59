"""Input and output shapes of the directory API (organisations; nothing personal)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from safechildhood.directory.models import School


class SchoolFilterInput(serializers.Serializer):
    district = serializers.IntegerField(required=False, min_value=1,
                                        help_text=_("Only schools of this district."))
    settlement = serializers.IntegerField(required=False, min_value=1,
                                          help_text=_("Only schools of this settlement."))


class SchoolOutput(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("Name in the caller's language."))
    language_label = serializers.CharField(source="get_language_display", read_only=True)

    class Meta:
        model = School
        fields = ["id", "name", "name_kk", "name_ru", "name_en", "district", "settlement",
                  "language", "language_label", "bin", "is_active"]
        read_only_fields = fields
