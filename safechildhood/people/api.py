"""Pupils and rosters API. Each view parses with a serializer (the pupil pages' own forms
underneath, so the rules and messages are the same), then calls one selector or service; the
policy and the audit log work exactly as on the site.

* /api/pupils/ — the school's roster (GET, searched and filtered), add a pupil (POST)
* /api/pupils/{id}/ — one pupil's record (GET, audited), correct it (PATCH)
* /api/pupils/{id}/transfer/ — move the pupil to another school of the region (POST)
* /api/rosters/ — the school's roster imports (GET), upload a roster file (POST → 202)
* /api/rosters/{id}/ — an import's progress and result, its problems in the caller's language
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from safechildhood.access.policy import Action, require
from safechildhood.people import imports, selectors, services
from safechildhood.people.serializers import (
    PupilDetailOutput,
    PupilInput,
    PupilListFilterInput,
    PupilListOutput,
    PupilOutput,
    PupilTransferInput,
    RosterAcceptedOutput,
    RosterImportDetailOutput,
    RosterImportOutput,
    RosterUploadInput,
)
from safechildhood.ui.api import ActorAPIView, error_responses

# --- pupils --------------------------------------------------------------------------------------


@extend_schema(tags=["pupils"])
class PupilListAPI(ActorAPIView):
    @extend_schema(
        operation_id="pupils_list",
        summary=_("The school's pupils"),
        description=_("Pupils of the caller's school (school psychologists and school "
                      "administrators only), by last and first name. Other roles get 403."),
        parameters=[PupilListFilterInput],
        responses={200: PupilListOutput(many=True), **error_responses(400)},
    )
    def get(self, request):
        filters = PupilListFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        pupils = selectors.pupil_list(actor=self.actor, **filters.selector_filters())
        return self.paginated(pupils, PupilListOutput)

    @extend_schema(
        operation_id="pupils_create",
        summary=_("Add a pupil"),
        description=_("Add a pupil to the caller's school roster. The IIN, if given, must be "
                      "valid and agree with the date of birth and sex; possible duplicates in "
                      "the region are recorded for a person to review."),
        request=PupilInput,
        responses={201: PupilOutput, **error_responses(400)},
    )
    def post(self, request):
        require(self.actor, Action.PUPIL_CREATE)
        given = PupilInput(data=request.data)
        given.is_valid(raise_exception=True)
        pupil = services.pupil_create(actor=self.actor, school=self.actor.membership.school,
                                      **given.validated_data)
        return Response(PupilOutput(pupil).data, status=status.HTTP_201_CREATED,
                        headers={"Location": reverse("api:pupil-detail",
                                                     kwargs={"pk": pupil.pk})})


@extend_schema(tags=["pupils"])
class PupilDetailAPI(ActorAPIView):
    @extend_schema(
        operation_id="pupils_retrieve",
        summary=_("One pupil's record"),
        description=_("The pupil with school, enrolment history, parents and guardians and "
                      "consent records. Every read is written to the audit log."),
        responses={200: PupilDetailOutput, **error_responses(404)},
    )
    def get(self, request, pk: int):
        pupil = selectors.pupil_get(actor=self.actor, pk=pk)
        return Response(PupilDetailOutput(pupil).data)

    @extend_schema(
        operation_id="pupils_partial_update",
        summary=_("Correct a pupil's record"),
        description=_("Send only the fields to change. A change of grade or letter is written "
                      "on the current enrolment too."),
        request=PupilInput(partial=True),
        responses={200: PupilOutput, **error_responses(400, 404)},
    )
    def patch(self, request, pk: int):
        pupil = selectors.pupil_get(actor=self.actor, pk=pk)
        require(self.actor, Action.PUPIL_EDIT, pupil)
        given = PupilInput(data=request.data, partial=True, context={"pupil": pupil})
        given.is_valid(raise_exception=True)
        pupil = services.pupil_update(actor=self.actor, pupil=pupil, **given.validated_data)
        return Response(PupilOutput(pupil).data)


@extend_schema(tags=["pupils"])
class PupilTransferAPI(ActorAPIView):
    @extend_schema(
        operation_id="pupils_transfer",
        summary=_("Transfer a pupil to another school"),
        description=_("The current enrolment ends on the date of transfer and one at the new "
                      "school starts that day. The record then belongs to the new school: the "
                      "caller's school no longer sees it."),
        request=PupilTransferInput,
        responses={200: PupilOutput, **error_responses(400, 404)},
    )
    def post(self, request, pk: int):
        pupil = selectors.pupil_get(actor=self.actor, pk=pk)
        require(self.actor, Action.PUPIL_TRANSFER, pupil)
        given = PupilTransferInput(data=request.data, context={
            "pupil": pupil,
            "schools": selectors.transfer_schools(actor=self.actor, pupil=pupil),
        })
        given.is_valid(raise_exception=True)
        pupil = services.pupil_transfer(actor=self.actor, pupil=pupil, **given.validated_data)
        return Response(PupilOutput(pupil).data)


# --- rosters -------------------------------------------------------------------------------------


@extend_schema(tags=["rosters"])
class RosterListAPI(ActorAPIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="rosters_list",
        summary=_("The school's roster imports"),
        description=_("Uploaded roster files of the caller's school, newest first."),
        responses={200: RosterImportOutput(many=True), **error_responses()},
    )
    def get(self, request):
        return self.paginated(imports.roster_import_list(actor=self.actor), RosterImportOutput)

    @extend_schema(
        operation_id="rosters_create",
        summary=_("Upload a roster"),
        description=_("Upload the school's roster as a file (multipart/form-data, field "
                      "\"file\"). It is checked in the background, all or nothing: poll "
                      "status_url until finished is true. Pupils on the roster are found by IIN "
                      "or by name and date of birth and updated; the others are added."),
        request={"multipart/form-data": RosterUploadInput},
        responses={
            202: OpenApiResponse(RosterAcceptedOutput,
                                 description=_("Stored and queued for checking.")),
            **error_responses(400),
        },
    )
    def post(self, request):
        require(self.actor, Action.ROSTER_IMPORT)
        given = RosterUploadInput(data=request.data)
        given.is_valid(raise_exception=True)
        roster_import = imports.roster_import_start(
            actor=self.actor, school=self.actor.membership.school,
            uploaded_file=given.validated_data["file"])
        status_url = request.build_absolute_uri(
            reverse("api:roster-detail", kwargs={"pk": roster_import.pk}))
        body = RosterAcceptedOutput({"id": roster_import.pk, "status": roster_import.status,
                                     "status_url": status_url}).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": status_url})


@extend_schema(tags=["rosters"])
class RosterDetailAPI(ActorAPIView):
    @extend_schema(
        operation_id="rosters_retrieve",
        summary=_("A roster import's progress and result"),
        description=_("Status, rows checked, pupils added and updated, and, for a rejected "
                      "file, every problem with its row, column, code and message in the "
                      "caller's language."),
        responses={200: RosterImportDetailOutput, **error_responses(404)},
    )
    def get(self, request, pk: int):
        roster_import = imports.roster_import_get(actor=self.actor, pk=pk)
        response = Response(RosterImportDetailOutput(roster_import).data)
        response["Cache-Control"] = "no-store"
        return response
