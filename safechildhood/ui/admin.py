"""Django admin for the regional administrator (and operators), kept inside the access policy.

* The site lets in whom the policy allows ``Action.ADMIN_SITE``; signing in goes through the
  programme's own login (lockout, second factor), never the admin's login form.
* ``ScopedAdminMixin`` gives a ModelAdmin or an inline the actor's scope: rows from
  ``policy.scope``, permissions from ``policy.can(actor, Action.ADMIN_MANAGE, model)``, and choices
  of related records cut to the scope as well.
* ``AuditedAdminMixin`` writes every change to the audit log (``admin.<model>.created``,
  ``.changed``, ``.deleted``) in the transaction of the change, with identifiers and the names of
  the changed fields only.

Pupils, guardians and consents have no admin at all: nobody edits children's records here.
"""

from __future__ import annotations

from collections import Counter

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, actor_for, can, scope
from safechildhood.audit.services import audit_record


def admin_actor(request) -> Actor | None:
    """The actor of an admin request: the middleware's, else the user's first membership."""
    actor = getattr(request, "actor", None)
    if actor is None and request.user.is_authenticated:
        actor = actor_for(request.user)
    return actor


def _scoped(request, queryset):
    """``queryset`` cut to the actor's scope; models the policy does not scope are left out."""
    try:
        return scope(admin_actor(request), queryset)
    except LookupError:
        return queryset.none()


# --- the site ------------------------------------------------------------------------------------


def _has_permission(request) -> bool:
    return can(admin_actor(request), Action.ADMIN_SITE)


def _login(request, extra_context=None):
    """The admin has no login form of its own: the programme's login applies lockout and the
    second factor. Someone signed in without the right to administer gets a plain refusal
    (sending them to the login page would send them straight back)."""
    if request.user.is_authenticated:
        raise PermissionDenied
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(next_url, login_url=reverse("accounts:login"))


def _password_change(request, extra_context=None):
    return redirect("accounts:password-change")


def _logout(request, extra_context=None):
    from safechildhood.accounts.views import logout_view  # one audited way out

    return logout_view(request)


admin.site.has_permission = _has_permission
admin.site.login = _login
admin.site.password_change = _password_change
admin.site.logout = _logout
admin.site.site_title = _("Safe Childhood administration")
admin.site.index_title = _("Geography, organisations and staff accounts")
admin.site.enable_nav_sidebar = False
# Access comes from memberships, decided by the policy; Django's permission groups are unused.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


# --- mixins ------------------------------------------------------------------------------------


class ScopedAdminMixin:
    """Rows, permissions and choices of related records from the access policy. Works for a
    ModelAdmin and for an inline."""

    def _manages(self, request) -> bool:
        return can(admin_actor(request), Action.ADMIN_MANAGE, self.model)

    def get_queryset(self, request):
        return _scoped(request, super().get_queryset(request))

    def has_module_permission(self, request):
        return self._manages(request)

    def has_view_permission(self, request, obj=None):
        return self._manages(request)

    def has_add_permission(self, request, *args):
        return self._manages(request)

    def has_change_permission(self, request, obj=None):
        return self._manages(request)

    def has_delete_permission(self, request, obj=None):
        return self._manages(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = _scoped(request, db_field.related_model._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = _scoped(request, db_field.related_model._default_manager.all())
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class AuditedAdminMixin:
    """Every save and delete through a ModelAdmin (and its inlines) is audited in the same
    transaction. Deletion pages name related records by type and number only, never one by
    one: deleting a school must not list its pupils' names."""

    def audit(self, request, verb: str, obj, **data) -> None:
        audit_record(
            actor=admin_actor(request),
            action=f"admin.{obj._meta.model_name}.{verb}",
            target=obj,
            data={"id": obj.pk, **data},
        )

    def _atomic(self):
        return transaction.atomic(using=router.db_for_write(self.model))

    def save_model(self, request, obj, form, change):
        with self._atomic():
            super().save_model(request, obj, form, change)
            self.audit(request, "changed" if change else "created", obj,
                       fields=sorted(form.changed_data))

    def delete_model(self, request, obj):
        with self._atomic():
            self.audit(request, "deleted", obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with self._atomic():
            for obj in queryset:
                self.audit(request, "deleted", obj)
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        with self._atomic():
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                self.audit(request, "deleted", obj)
                obj.delete()
            for obj in instances:
                obj.save()
            formset.save_m2m()
            for obj in formset.new_objects:
                self.audit(request, "created", obj)
            for obj, fields in formset.changed_objects:
                self.audit(request, "changed", obj, fields=sorted(fields))

    def get_deleted_objects(self, objs, request):
        try:
            first = objs[0]
        except IndexError:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
        collector.collect(objs)
        perms_needed: set[str] = set()
        model_count: dict[str, int] = {}
        for model, instances in collector.model_objs.items():
            model_count[model._meta.verbose_name_plural] = len(instances)
            if self.admin_site.is_registered(model):
                model_admin = self.admin_site.get_model_admin(model)
                if not all(model_admin.has_delete_permission(request, o) for o in instances):
                    perms_needed.add(model._meta.verbose_name)
        own = [f"{capfirst(first._meta.verbose_name)}: {obj}" for obj in objs]
        related = [
            f"{capfirst(name)}: {count}" for name, count in model_count.items()
            if name != first._meta.verbose_name_plural
        ]
        protected_count = Counter(obj._meta.verbose_name_plural for obj in collector.protected)
        protected = [f"{capfirst(name)}: {count}" for name, count in protected_count.items()]
        return [*own, *related], model_count, perms_needed, protected


class ScopedModelAdmin(ScopedAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """The base of every ModelAdmin of the programme."""


class ScopedStackedInline(ScopedAdminMixin, admin.StackedInline):
    """An inline within the actor's scope; its parent's admin audits its changes."""
