"""duty-records/ and reports/overdue/ (DESIGN.md "Contract, continued")."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from jurisdictions.api_schema import ROWS, id_param
from jurisdictions.errors import InvalidInput

from . import duties_selectors, duties_services
from .models import DutyKind, DutyRecord, MonitoredHousehold


class DutyRecordIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DutyKind.choices)
    cadre = serializers.IntegerField(required=False, allow_null=True)
    team = serializers.IntegerField(required=False, allow_null=True)
    household = serializers.IntegerField(required=False, allow_null=True)
    date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    file = serializers.FileField(required=False, allow_null=True, default=None)


class DutyRecordOut(serializers.ModelSerializer):
    file = serializers.SerializerMethodField()

    class Meta:
        model = DutyRecord
        fields = ["id", "kind", "cadre", "team", "household", "date", "note", "file", "rule_ref", "created_at"]

    def get_file(self, obj) -> str | None:
        """A scoped download link (the file is not under /media/)."""
        from django.urls import reverse

        return reverse("duty-record-file", args=[obj.pk]) if obj.file else None


@extend_schema_view(get=extend_schema(parameters=[OpenApiParameter("kind", str, enum=DutyKind.values), id_param("cadre"),
                                                  id_param("team")]))
class DutyRecordApi(ListAPIView):
    """GET duty-records/?kind=&cadre=&team= (scoped) · POST duty-records/ {kind, cadre?, team?, household?, date,
    note?, file?}."""

    serializer_class = DutyRecordOut
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        p = self.request.query_params
        return duties_selectors.duty_record_list(user=self.request.user, kind=p.get("kind"),
                                                 cadre_id=p.get("cadre"), team_id=p.get("team"))

    @extend_schema(request={"application/json": DutyRecordIn, "multipart/form-data": DutyRecordIn}, responses={201: DutyRecordOut})
    def post(self, request):
        data = DutyRecordIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        record = duties_services.duty_record_create(
            actor=request.user, kind=v["kind"], day=v["date"], cadre_id=v.get("cadre"), team_id=v.get("team"),
            household_id=v.get("household"), note=v["note"], file=v["file"])
        return Response(DutyRecordOut(record).data, status=status.HTTP_201_CREATED)


class HouseholdIn(serializers.Serializer):
    cadre = serializers.IntegerField()
    name = serializers.CharField(max_length=64)
    paired_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class HouseholdOut(serializers.ModelSerializer):
    class Meta:
        model = MonitoredHousehold
        fields = ["id", "cadre", "name", "village", "paired_on", "ended_on", "note"]


class HouseholdApi(ListAPIView):
    """GET/POST monitored-households/ (ganzhou art.11 结对帮扶户)."""

    serializer_class = HouseholdOut

    def get_queryset(self):
        return duties_selectors.household_list(user=self.request.user).order_by("id")

    @extend_schema(request=HouseholdIn, responses={201: HouseholdOut})
    def post(self, request):
        data = HouseholdIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        h = duties_services.household_create(actor=request.user, cadre_id=v["cadre"], name=v["name"],
                                             paired_on=v["paired_on"], note=v["note"])
        return Response(HouseholdOut(h).data, status=status.HTTP_201_CREATED)


class OverdueApi(APIView):
    """GET reports/overdue/?jurisdiction=CODE&on=DATE → [{kind, cadre?, team?, due, rule_ref, ...}]."""

    @extend_schema(parameters=[OpenApiParameter("jurisdiction", str, required=True), OpenApiParameter("on", OpenApiTypes.DATE)],
                   responses={200: ROWS})
    def get(self, request):
        p = request.query_params
        if not p.get("jurisdiction"):
            raise InvalidInput("请指定辖区（jurisdiction=CODE）。", code="jurisdiction_required")
        on = duties_selectors.parse_on(p["on"]) if p.get("on") else timezone.localdate()
        return Response(duties_selectors.overdue_report(user=request.user, jurisdiction_code=p["jurisdiction"],
                                                        on=on))


class MyDutiesApi(APIView):
    """GET duties/mine/?on=DATE: the caller's own due and overdue duties."""

    @extend_schema(parameters=[OpenApiParameter("on", OpenApiTypes.DATE)], responses={200: ROWS})
    def get(self, request):
        p = request.query_params
        on = duties_selectors.parse_on(p["on"]) if p.get("on") else timezone.localdate()
        items = duties_selectors.my_duties(user=request.user, on=on)
        return Response([{k: v for k, v in i.items() if k != "remind_user"} for i in items])
