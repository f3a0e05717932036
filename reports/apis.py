"""Thin API views: GET/POST reports/monthly/, GET reports/monthly/{id}/export/ (DESIGN.md "Contract, continued")."""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from jurisdictions.api_schema import OBJECT, XLSX_RESPONSE, month_param
from jurisdictions.apis import JurisdictionField
from jurisdictions.errors import InvalidInput

from . import export, selectors, services
from .models import ReportRow


class MonthlyIn(serializers.Serializer):
    jurisdiction = JurisdictionField()
    month = serializers.CharField()


def report_out(report, q) -> dict:
    rows = ReportRow.objects.filter(report=report).filter(q)
    whole = q == selectors.Q()
    totals = report.totals if whole else {k: services._json(v) for k, v in selectors.sum_rows(
        rows.filter(level="township")).items()}
    units = rows.filter(level__in=["county", "township"]).order_by("level", "name", "id")
    return {"id": report.id, "jurisdiction": report.jurisdiction.code, "month": f"{report.month:%Y-%m}",
            "version": report.version, "generated_at": report.generated_at, "totals": totals,
            "by_unit": [{"org_unit": r.county_id if r.level == "county" else r.township_id, "level": r.level,
                         "name": r.name, **{k: services._json(v) for k, v in r.figures().items()}} for r in units],
            "extras": report.extras if whole else {}}


class MonthlyApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("jurisdiction", str, required=True), month_param()], responses={200: OBJECT})
    def get(self, request):
        code, month = request.query_params.get("jurisdiction"), request.query_params.get("month")
        if not code or not month:
            raise InvalidInput("请给出辖区（jurisdiction）和月份（month=YYYY-MM）。", code="bad_request")
        report, q, _ = selectors.report_for(user=request.user, code=code, month_raw=month)
        if report is None:
            return Response({"code": "not_found", "detail": "该月的报告尚未生成。"}, status=status.HTTP_404_NOT_FOUND)
        return Response(report_out(report, q))

    @extend_schema(request=MonthlyIn, responses={202: OBJECT})
    def post(self, request):
        data = MonthlyIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = data.validated_data
        report, _ = services.report_request(actor=request.user, jurisdiction=v["jurisdiction"],
                                            month=selectors.parse_month(v["month"]))
        services.report_enqueue(report)
        return Response({"id": report.id, "status": report.status}, status=status.HTTP_202_ACCEPTED)


class MonthlyExportApi(APIView):
    @extend_schema(responses=XLSX_RESPONSE)
    def get(self, request, pk):
        report, q = selectors.access_report(user=request.user, report_id=pk)
        return xlsx_response(report, q)


def xlsx_response(report, q) -> HttpResponse:
    totals = report.totals if q == selectors.Q() else selectors.sum_rows(
        ReportRow.objects.filter(report=report).filter(q).filter(level="township"))
    body = export.report_workbook(report, q, totals)
    resp = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = (f'attachment; filename="report-{report.jurisdiction.code}-{report.month:%Y-%m}'
                                   f'-v{report.version}.xlsx"')
    return resp
