"""Thin API views for assessment (DESIGN.md "Contract, continued": assessment-periods/, assessments/)."""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from jurisdictions.api_schema import OBJECT, PAGE, PAGE_PARAMS, XLSX_RESPONSE, id_param
from jurisdictions.selectors import access_jurisdiction, access_org_unit

from . import exports, selectors, services
from .models import Kind
from .presenters import assessment_dict, period_dict


class PeriodIn(serializers.Serializer):
    jurisdiction = serializers.CharField()
    org_unit = serializers.IntegerField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=Kind.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    half = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2)
    excellent_max_share = serializers.DecimalField(max_digits=4, decimal_places=2, required=False, allow_null=True)


class PeriodListApi(GenericAPIView):
    @extend_schema(operation_id="v1_assessment_periods_list",
                   parameters=[OpenApiParameter("jurisdiction", str), *PAGE_PARAMS], responses={200: PAGE})
    def get(self, request):
        qs = selectors.period_list(user=request.user, jurisdiction=request.query_params.get("jurisdiction"))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response([
            {"id": p.id, "jurisdiction": p.jurisdiction.code, "name": str(p), "kind": p.kind, "year": p.year,
             "half": p.half, "status": p.status, "rule_ref": p.rule_ref, "eligible": p.n_eligible,
             "graded": p.n_graded} for p in page])

    @extend_schema(request=PeriodIn, responses={201: OBJECT})
    def post(self, request):
        data = PeriodIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        j = access_jurisdiction(user=request.user, code=v["jurisdiction"])
        unit = access_org_unit(user=request.user, unit_id=v["org_unit"]) if v.get("org_unit") else None
        period = services.period_open(actor=request.user, jurisdiction=j, kind=v["kind"], year=v["year"],
                                      half=v.get("half"), org_unit=unit,
                                      excellent_max_share=v.get("excellent_max_share"))
        return Response(period_dict(period), status=status.HTTP_201_CREATED)


class PeriodDetailApi(APIView):
    @extend_schema(responses={200: OBJECT})
    def get(self, request, pk):
        return Response(period_dict(selectors.access_period(user=request.user, period_id=pk)))


class PublishApi(APIView):
    @extend_schema(request=None, responses={200: OBJECT})
    def post(self, request, pk):
        period = services.period_publish(actor=request.user, period_id=pk)
        return Response(period_dict(period))


class ExportApi(APIView):
    @extend_schema(responses=XLSX_RESPONSE)
    def get(self, request, pk):
        period = selectors.access_period(user=request.user, period_id=pk)
        content = exports.period_xlsx(user=request.user, period=period)
        response = HttpResponse(content, content_type=exports.XLSX)
        response["Content-Disposition"] = f'attachment; filename="assessment-{period.pk}.xlsx"'
        return response


def _out(request, assessment_id, code=status.HTTP_200_OK) -> Response:
    a = selectors.access_assessment(user=request.user, assessment_id=assessment_id)
    evidence = selectors.evidence_for(a.period, [a])[a.id]
    return Response(assessment_dict(a, evidence, hide_result=selectors.hides_result(request.user, a)), status=code)


class AssessmentListApi(GenericAPIView):
    @extend_schema(operation_id="v1_assessments_list",
                   parameters=[id_param("period"), id_param("township"), OpenApiParameter("grade", str), *PAGE_PARAMS],
                   responses={200: PAGE})
    def get(self, request):
        qp = request.query_params
        qs = selectors.assessment_list(user=request.user, period_id=qp.get("period"), township=qp.get("township"),
                                       grade=qp.get("grade"))
        page = list(self.paginate_queryset(qs))
        by_period = {}
        for a in page:
            by_period.setdefault(a.period_id, (a.period, []))[1].append(a)
        evidence = {}
        for period, items in by_period.values():
            evidence |= selectors.evidence_for(period, items)
        return self.get_paginated_response([
            assessment_dict(a, evidence.get(a.id), hide_result=selectors.hides_result(request.user, a)) for a in page])


class AssessmentDetailApi(APIView):
    @extend_schema(responses={200: OBJECT})
    def get(self, request, pk):
        return _out(request, pk)


class TextIn(serializers.Serializer):
    text = serializers.CharField(max_length=20000)


class SelfSummaryApi(APIView):
    @extend_schema(request=TextIn, responses={200: OBJECT})
    def post(self, request, pk):
        data = TextIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.self_summary_save(actor=request.user, assessment_id=pk, text=data.validated_data["text"])
        return _out(request, pk)


class OpinionIn(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    suggested_grade = serializers.CharField(required=False, allow_blank=True, default="")


class OpinionApi(APIView):
    @extend_schema(request=OpinionIn, responses={200: OBJECT})
    def post(self, request, pk):
        data = OpinionIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.opinion_give(actor=request.user, assessment_id=pk, **data.validated_data)
        return _out(request, pk)


class ScoreIn(serializers.Serializer):
    parts = serializers.DictField(child=serializers.CharField())


class ScoreApi(APIView):
    @extend_schema(request=ScoreIn, responses={200: OBJECT})
    def post(self, request, pk):
        data = ScoreIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.score_record(actor=request.user, assessment_id=pk, parts=data.validated_data["parts"])
        return _out(request, pk)


class PollIn(serializers.Serializer):
    favourable = serializers.IntegerField(min_value=0)
    total = serializers.IntegerField(min_value=1)


class PollApi(APIView):
    @extend_schema(request=PollIn, responses={200: OBJECT})
    def post(self, request, pk):
        data = PollIn(data=request.data)
        data.is_valid(raise_exception=True)
        _, flag = services.poll_record(actor=request.user, assessment_id=pk, **data.validated_data)
        response = _out(request, pk)
        response.data["flag"] = {"kind": flag.kind, "rule_ref": flag.rule_ref} if flag else None
        return response


class GradeIn(serializers.Serializer):
    grade = serializers.CharField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    previous = serializers.CharField(required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class GradeApi(APIView):
    @extend_schema(request=GradeIn, responses={200: OBJECT})
    def post(self, request, pk):
        data = GradeIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.assessment_grade(actor=request.user, assessment_id=pk, **data.validated_data)
        return _out(request, pk)
