"""API plumbing shared by every app: who is asking (the actor), paging, and errors.

* ``ActorPermission`` builds ``request.actor`` for every API request. Django's middleware cannot:
  DRF authenticates a token only inside the view, after the middleware has run. The active
  membership comes from the ``X-Membership`` header, else (for a browser session) the role picked
  on the site, else the person's first active membership. The policy must allow ``API_USE``.
* ``ActorAPIView`` is the base of every API view: the permission above, a page size a slow
  connection can ask to shrink, and ``self.actor``.
* ``exception_handler`` turns ``DomainError`` (and DRF's own errors) into one body shape,
  ``{"detail", "code", "field"?, "fields"?}``, with messages in the caller's language.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from safechildhood.access.policy import Action, Actor, actor_for, require
from safechildhood.accounts.middleware import SESSION_MEMBERSHIP
from safechildhood.accounts.models import Membership
from safechildhood.errors import DomainError, Forbidden

MEMBERSHIP_HEADER = "X-Membership"

MEMBERSHIP_PARAMETER = OpenApiParameter(
    name=MEMBERSHIP_HEADER,
    type=int,
    location=OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy(
        "Id of the membership (role) to act through, from GET /api/me/. Without it: the role "
        "picked on the site for a browser session, else the first active membership."
    ),
)


def _with_memberships(user) -> None:
    """Load the user's memberships with their organisations in two queries, once."""
    queryset = Membership.objects.select_related(
        "school__district", "centre", "police_unit__district", "prosecutor_office",
        "region_scope", "region",
    ).prefetch_related("districts")
    prefetch_related_objects([user], Prefetch("memberships", queryset=queryset))


def api_actor(request) -> Actor:
    """The actor for an authenticated API request. Raises ``DomainError`` for a malformed
    ``X-Membership`` header and ``Forbidden`` for a membership the person does not hold."""
    user = request.user
    _with_memberships(user)
    raw = request.headers.get(MEMBERSHIP_HEADER, "").strip()
    if raw:
        if not raw.isdigit():
            raise DomainError(_("The X-Membership header must be a membership id."),
                              code="membership_header_invalid", field=MEMBERSHIP_HEADER)
        actor = actor_for(user, int(raw))
        if actor.membership is None or actor.membership.pk != int(raw):
            raise Forbidden(_("You do not hold this role, or it is no longer active."),
                            code="membership_not_held", field=MEMBERSHIP_HEADER)
        return actor
    if isinstance(request.successful_authenticator, SessionAuthentication):
        return actor_for(user, request.session.get(SESSION_MEMBERSHIP))
    return actor_for(user)


def _activate_account_language(request) -> None:
    """``Accept-Language`` (or the site's language cookie) wins; an integration that sends
    neither gets the language stored on the account."""
    if "Accept-Language" in request.headers:
        return
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return
    language = getattr(request.user, "language", "")
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language


class ActorPermission(BasePermission):
    """Signed in (token or session), acting through a membership that may use the API."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False  # DRF answers 401 (token) / 403 (session) "not authenticated"
        _activate_account_language(request)
        actor = api_actor(request)
        require(actor, Action.API_USE)
        request.actor = actor
        return True


class ApiPagination(PageNumberPagination):
    """100 rows a page; a client on a slow connection may ask for fewer (``page_size``)."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class ActorAutoSchema(AutoSchema):
    """Every API operation takes the optional ``X-Membership`` header."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), MEMBERSHIP_PARAMETER]


class ActorAPIView(GenericAPIView):
    """Base of every API view. Subclasses call selectors and services with ``self.actor``."""

    permission_classes = [ActorPermission]
    schema = ActorAutoSchema()
    pagination_class = ApiPagination

    @property
    def actor(self) -> Actor:
        return self.request.actor

    def paginated(self, rows, serializer_class) -> Response:
        """One page of ``rows`` (a queryset from a selector) as ``{count, next, previous,
        results}``."""
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(
            serializer_class(page, many=True, context=self.get_serializer_context()).data
        )


class NamedRefOutput(serializers.Serializer):
    """A district, school or other named thing, as a reference: its id and its name in the
    caller's language."""

    id = serializers.IntegerField()
    name = serializers.CharField(help_text=gettext_lazy("Name in the caller's language."))


# --- errors ------------------------------------------------------------------------------------


class FieldErrorOutput(serializers.Serializer):
    message = serializers.CharField()
    code = serializers.CharField()


class ErrorOutput(serializers.Serializer):
    """Every 4xx body. ``fields`` maps an input field to its errors (validation only)."""

    detail = serializers.CharField(help_text=gettext_lazy("What went wrong, in the caller's "
                                                          "language."))
    code = serializers.CharField(help_text=gettext_lazy("Stable machine-readable reason."))
    field = serializers.CharField(required=False,
                                  help_text=gettext_lazy("The input field the error is about."))
    fields = serializers.DictField(child=FieldErrorOutput(many=True), required=False)


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Documented error answers for ``extend_schema(responses=...)``: always 401 and 403, plus
    ``codes`` (400, 404 ...)."""
    described = {
        400: gettext_lazy("The input is not valid; ``fields`` says where."),
        401: gettext_lazy("No valid token or session."),
        403: gettext_lazy("The role may not do this (or the session lacks the second factor)."),
        404: gettext_lazy("Not found, or outside the caller's scope (the two look the same)."),
    }
    return {code: OpenApiResponse(ErrorOutput, description=described[code])
            for code in sorted({401, 403, *codes})}


def _field_errors(details, prefix: str = "") -> dict[str, list[dict[str, str]]]:
    """Flatten DRF's nested ``get_full_details()`` into ``{"field": [{message, code}]}``."""
    flat: dict[str, list[dict[str, str]]] = {}
    if isinstance(details, list):
        if details and all(isinstance(d, dict) and "message" in d for d in details):
            flat[prefix or "non_field_errors"] = [
                {"message": str(d["message"]), "code": str(d["code"])} for d in details
            ]
        else:
            for index, item in enumerate(details):
                flat.update(_field_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    elif isinstance(details, dict):
        if "message" in details and "code" in details:
            flat[prefix or "non_field_errors"] = [
                {"message": str(details["message"]), "code": str(details["code"])}
            ]
        else:
            for key, value in details.items():
                flat.update(_field_errors(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message), "code": exc.code}
        if exc.field:
            body["field"] = exc.field
            body["fields"] = {exc.field: [{"message": str(exc.message), "code": exc.code}]}
        return Response(body, status=exc.status_code)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _field_errors(exc.get_full_details())
        first_code = next((e["code"] for errors in fields.values() for e in errors), "invalid")
        response.data = {"detail": _("Some of the data is not valid."), "code": first_code,
                         "fields": fields}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {"detail": str(exc.detail),
                         "code": codes if isinstance(codes, str) else "error"}
    return response

