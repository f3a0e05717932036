"""Thin API views for trips, runs, statements and the export (DESIGN.md contract)."""

from datetime import date

from django.http import FileResponse
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from config.inputs import year_in_range
from jurisdictions.api_schema import XLSX_RESPONSE, id_param, month_param
from jurisdictions.apis import JurisdictionField
from jurisdictions.errors import InvalidInput
from teams.selectors import access_cadre

from . import export, selectors, services
from .models import Statement, SubsidyRun, Trip


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-03"})
class MonthField(serializers.Field):
    """`YYYY-MM` ↔ the first day of the month."""

    default_error_messages = {"invalid": "月份格式应为 YYYY-MM。"}

    def to_internal_value(self, data):
        try:
            y, m = str(data).split("-")[:2]
            return date(int(y), int(m), 1)
        except (TypeError, ValueError):
            self.fail("invalid")

    def to_representation(self, value):
        return f"{value:%Y-%m}"


def parse_month(raw: str) -> date:
    try:
        y, m = raw.split("-")
        if not year_in_range(int(y)):  # 0000-01, 9999-12
            raise ValueError
        return date(int(y), int(m), 1)
    except (AttributeError, ValueError):
        raise InvalidInput("月份格式应为 YYYY-MM。", code="bad_month") from None


class TripIn(serializers.Serializer):
    cadre = serializers.IntegerField()
    date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True, default=None,
                                      min_value=0)


class TripOut(serializers.ModelSerializer):
    class Meta:
        model = Trip
        fields = ["id", "cadre", "date", "basis", "km", "amount", "rule_ref", "statement"]


class TripApi(APIView):
    @extend_schema(request=TripIn, responses={201: TripOut})
    def post(self, request):
        data = TripIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        cadre = access_cadre(user=request.user, cadre_id=v["cadre"])
        trip = services.trip_create(actor=request.user, cadre=cadre, day=v["date"], amount=v["amount"])
        return Response(TripOut(trip).data, status=status.HTTP_201_CREATED)


class RunIn(serializers.Serializer):
    jurisdiction = JurisdictionField()
    month = MonthField()


class RunOut(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(slug_field="code", read_only=True)
    month = MonthField()

    class Meta:
        model = SubsidyRun
        fields = ["id", "jurisdiction", "month", "status", "progress", "missing_sheets", "cadre_count",
                  "statement_count", "total", "policy_on", "note", "error", "created_at", "finished_at"]


class RunListApi(ListAPIView):
    serializer_class = RunOut

    def get_queryset(self):
        return selectors.run_list(user=self.request.user)

    @extend_schema(request=RunIn, responses={201: RunOut})
    def post(self, request):
        data = RunIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        run = services.subsidy_run_create(actor=request.user, **data.validated_data)
        return Response(RunOut(run).data, status=status.HTTP_201_CREATED)


class RunDetailApi(APIView):
    @extend_schema(responses={200: RunOut})
    def get(self, request, pk):
        return Response(RunOut(selectors.access_run(user=request.user, run_id=pk)).data)


class RunExportApi(APIView):
    @extend_schema(responses=XLSX_RESPONSE)
    def get(self, request, pk):
        run = selectors.access_run(user=request.user, run_id=pk)
        if run.status != SubsidyRun.Status.DONE:
            from jurisdictions.errors import StateConflict

            raise StateConflict("核算尚未完成，暂不能导出。", code="run_not_done")
        f = export.write_workbook(run=run, dispatch_unit_ids=selectors.export_unit_filter(user=request.user, run=run))
        return FileResponse(f, as_attachment=True, filename=export.filename(run),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class LineOut(serializers.Serializer):
    kind = serializers.CharField()
    quantity = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=10, decimal_places=2)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    rule_ref = serializers.CharField()
    note = serializers.CharField()
    for_month = MonthField()


class StatementOut(serializers.ModelSerializer):
    month = MonthField()
    cadre_name = serializers.CharField(source="cadre.name")
    dispatch_unit_name = serializers.CharField(source="dispatch_unit.name")
    township_name = serializers.CharField(source="township.name", default=None, allow_null=True)
    lines = LineOut(many=True)

    class Meta:
        model = Statement
        fields = ["id", "cadre", "cadre_name", "month", "dispatch_unit", "dispatch_unit_name", "township",
                  "township_name", "paid_days", "lines", "total", "run"]


@extend_schema_view(get=extend_schema(parameters=[id_param("run"), id_param("cadre"), month_param(required=False)]))
class StatementListApi(ListAPIView):
    serializer_class = StatementOut
    queryset = Statement.objects.none()  # for the schema only (the model of the path); get_queryset answers

    def get_queryset(self):
        p = self.request.query_params
        if p.get("run"):
            run = selectors.access_run(user=self.request.user, run_id=p["run"])
            return selectors.statement_list(user=self.request.user, run=run)
        if p.get("cadre") and p.get("month"):
            try:
                cadre_id = int(p["cadre"])
            except ValueError:
                raise InvalidInput("cadre 应为整数。", code="bad_cadre") from None
            return selectors.statement_list(user=self.request.user, cadre_id=cadre_id, month=parse_month(p["month"]))
        if p.get("cadre"):
            try:
                return selectors.statement_list(user=self.request.user, cadre_id=int(p["cadre"]))
            except ValueError:
                raise InvalidInput("cadre 应为整数。", code="bad_cadre") from None
        raise InvalidInput("请提供 run，或 cadre 与 month（YYYY-MM）。", code="filter_required")
