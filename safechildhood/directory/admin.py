"""Schools and the programme's organisations in the admin, within the administrator's region."""

from django.contrib import admin

from safechildhood.directory.models import (
    PoliceUnit,
    ProsecutorOffice,
    School,
    ServiceProvider,
    SupportCentre,
)
from safechildhood.geography.models import Settlement
from safechildhood.ui.admin import ScopedModelAdmin

NAMES = ("name_kk", "name_ru", "name_en")
BY_DISTRICT = ("district", admin.RelatedOnlyFieldListFilter)


@admin.register(School)
class SchoolAdmin(ScopedModelAdmin):
    list_display = ("name_ru", "name_kk", "settlement", "district", "language", "is_active")
    list_filter = ("is_active", "language", BY_DISTRICT)
    list_select_related = ("settlement", "district")
    search_fields = (*NAMES, "bin")
    fields = ("settlement", "district", *NAMES, "language", "bin", "is_active")
    readonly_fields = ("district",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.related_model is Settlement:
            # Villages of the same name exist in several districts: say which one.
            field.queryset = field.queryset.select_related("district")
            field.label_from_instance = lambda s: f"{s.name} ({s.district.name})"
        return field


@admin.register(SupportCentre)
class SupportCentreAdmin(ScopedModelAdmin):
    list_display = ("name_ru", "name_kk", "region", "phone")
    list_select_related = ("region",)
    search_fields = NAMES
    fields = ("region", *NAMES, "phone")


@admin.register(PoliceUnit)
class PoliceUnitAdmin(ScopedModelAdmin):
    list_display = ("name_ru", "name_kk", "district", "phone")
    list_filter = (BY_DISTRICT,)
    list_select_related = ("district",)
    search_fields = NAMES
    fields = ("district", *NAMES, "phone")


@admin.register(ProsecutorOffice)
class ProsecutorOfficeAdmin(ScopedModelAdmin):
    list_display = ("name_ru", "name_kk", "region")
    list_select_related = ("region",)
    search_fields = NAMES
    fields = ("region", *NAMES)


@admin.register(ServiceProvider)
class ServiceProviderAdmin(ScopedModelAdmin):
    list_display = ("name_ru", "kind", "district", "phone", "is_active")
    list_filter = ("kind", "is_active", BY_DISTRICT)
    list_select_related = ("district",)
    search_fields = (*NAMES, "address")
    fields = ("kind", "region", "district", *NAMES, "address", "phone", "is_active")
