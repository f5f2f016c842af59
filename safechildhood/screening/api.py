"""Instruments API: what the system can screen with, and scoring without storing.

* /api/instruments/ — every instrument with its items, answers, scales and bands, flags, ages,
  citation, licence, translation status and whether its texts are all there
* /api/instruments/{code}/score/ — score a set of answers with the same core the answer page,
  the paper entry and the bulk import use; nothing is stored and nobody is alerted
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response

from safechildhood.access.policy import Action, require
from safechildhood.screening.scoring import AnswerError, score, validate_answers
from safechildhood.screening.serializers import (
    InstrumentOutput,
    ScoreInput,
    ScoreOutput,
    instrument_data,
    score_data,
)
from safechildhood.screening.services.instruments import instrument_get, instrument_list
from safechildhood.screening.services.responses import answer_error
from safechildhood.ui.api import ActorAPIView, error_responses


@extend_schema(tags=["instruments"])
class InstrumentListAPI(ActorAPIView):
    @extend_schema(
        operation_id="instruments_list",
        summary=_("Screening instruments"),
        description=_("Every instrument the installation knows, by code: items with their "
                      "texts in Kazakh, Russian and English and their answer codes, scales "
                      "and bands, flags, ages, citation, licence and translation status. "
                      "has_texts is false for an instrument whose item texts the operator "
                      "has yet to supply; missing_texts names those items."),
        responses={200: InstrumentOutput(many=True), **error_responses()},
    )
    def get(self, request):
        require(self.actor, Action.INSTRUMENT_VIEW)
        return self.paginated([instrument_data(i) for i in instrument_list()],
                              InstrumentOutput)


@extend_schema(tags=["instruments"])
class InstrumentScoreAPI(ActorAPIView):
    @extend_schema(
        operation_id="instruments_score",
        summary=_("Score answers without storing them"),
        description=_("Totals, subscales, bands, flags, proposed risk categories and "
                      "completeness for a set of answers, computed exactly as for a stored "
                      "response. Nothing is stored and no alert is raised. An answer that is "
                      "not a question of the instrument or not one of its answer codes is a "
                      "400 naming each item (codes unknown_item, unknown_code, not_a_number, "
                      "out_of_range) in the caller's language."),
        request=ScoreInput,
        responses={200: ScoreOutput, **error_responses(400, 404)},
        examples=[OpenApiExample(
            "GAD-7, one answer missing",
            request_only=True,
            value={"answers": {"gad7_1": "1", "gad7_2": "2", "gad7_3": "0", "gad7_4": "1",
                               "gad7_5": "0", "gad7_6": None, "gad7_7": "3"}},
        )],
    )
    def post(self, request, code: str):
        require(self.actor, Action.INSTRUMENT_VIEW)
        instrument = instrument_get(code)
        given = ScoreInput(data=request.data)
        given.is_valid(raise_exception=True)
        answers = given.validated_data["answers"]
        problems = validate_answers(instrument, answers)
        if problems:
            raise ValidationError({"answers": {
                p.item: [ErrorDetail(str(answer_error(AnswerError([p])).message), code=p.code)]
                for p in problems
            }})
        result = score(instrument, answers)
        return Response(ScoreOutput(score_data(instrument, result)).data)
