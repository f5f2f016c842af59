"""Regions, districts and settlements in the admin, within the administrator's region."""

from django.contrib import admin

from safechildhood.access.policy import Action, can
from safechildhood.geography.models import District, Region, Settlement
from safechildhood.ui.admin import ScopedModelAdmin, admin_actor

NAMES = ("name_kk", "name_ru", "name_en")


@admin.register(Region)
class RegionAdmin(ScopedModelAdmin):
    list_display = ("name_ru", "name_kk", "name_en", "kato")
    search_fields = (*NAMES, "kato")
    fields = (*NAMES, "kato")

    def has_add_permission(self, request, *args):
        return can(admin_actor(request), Action.REGION_SETUP)

    def has_delete_permission(self, request, obj=None):
        return can(admin_actor(request), Action.REGION_SETUP)


@admin.register(District)
class DistrictAdmin(ScopedModelAdmin):
    list_display = ("name_ru", "name_kk", "kind", "region", "kato")
    list_filter = ("kind",)
    list_select_related = ("region",)
    search_fields = (*NAMES, "kato")
    fields = ("region", "kind", *NAMES, "kato")


@admin.register(Settlement)
class SettlementAdmin(ScopedModelAdmin):
    list_display = ("name_ru", "name_kk", "kind", "district", "kato")
    list_filter = ("kind", ("district", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("district",)
    search_fields = (*NAMES, "kato")
    fields = ("district", "kind", *NAMES, "kato")
