"""Staff accounts and their roles in the admin, within the administrator's region.

Passwords are set through Django's own user forms (hashing, validators, the separate password
page). Only an operator (a superuser) sees or sets the superuser and staff flags, so a regional
administrator cannot raise anyone, themselves included, above their own rights.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import router, transaction
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import scope
from safechildhood.accounts.models import Membership, User
from safechildhood.ui.admin import (
    AuditedAdminMixin,
    ScopedAdminMixin,
    ScopedStackedInline,
    admin_actor,
)

PERSON = ("first_name", "last_name", "email", "phone", "language")


class MembershipInline(ScopedStackedInline):
    model = Membership
    fields = ("role", "school", "centre", "police_unit", "prosecutor_office", "region_scope",
              "districts", "is_active")
    filter_horizontal = ("districts",)
    verbose_name = _("role")
    verbose_name_plural = _("roles")

    def get_min_num(self, request, obj=None, **kwargs):
        # An account a regional administrator creates without a role in their region would
        # vanish from their sight at once; operators may create accounts without one.
        actor = admin_actor(request)
        return 1 if obj is None and not (actor and actor.is_operator) else 0

    def get_extra(self, request, obj=None, **kwargs):
        # One blank role form, so a role can be added without JavaScript too.
        return 0 if self.get_min_num(request, obj) else 1

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("validate_min", True)
        return super().get_formset(request, obj, **kwargs)


@admin.register(User)
class UserAdmin(ScopedAdminMixin, AuditedAdminMixin, DjangoUserAdmin):
    inlines = (MembershipInline,)
    list_display = ("username", "last_name", "first_name", "email", "roles", "is_active")
    list_filter = ("is_active",)
    search_fields = ("username", "first_name", "last_name", "email")
    readonly_fields = ("last_login", "date_joined")
    ordering = ("username",)
    filter_horizontal = ()

    def _operator(self, request) -> bool:
        actor = admin_actor(request)
        return bool(actor and actor.is_operator)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return (
                (None, {"classes": ("wide",),
                        "fields": ("username", "usable_password", "password1", "password2")}),
                (_("Personal info"), {"fields": PERSON}),
            )
        status = ("is_active", "is_staff", "is_superuser") if self._operator(request) \
            else ("is_active",)
        return (
            (None, {"fields": ("username", "password")}),
            (_("Personal info"), {"fields": PERSON}),
            (_("Status"), {"fields": status}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        )

    def get_queryset(self, request):
        # The roles column lists only the memberships the actor may see, in one extra query.
        memberships = scope(admin_actor(request), Membership.objects.all()).select_related(
            "school", "centre", "police_unit", "prosecutor_office", "region_scope")
        return super().get_queryset(request).prefetch_related(
            Prefetch("memberships", queryset=memberships, to_attr="visible_memberships"))

    @admin.display(description=_("roles"))
    def roles(self, obj: User) -> str:
        return "; ".join(str(m) for m in getattr(obj, "visible_memberships", []))

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().user_change_password(request, id, form_url)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        # Django's password page saves through its own form, not save_model: audit it here.
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "auth_user_password_change":
            self.audit(request, "password_changed", obj)
        return entry
