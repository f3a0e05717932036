"""Thin API views for attendance (DESIGN.md contract: attendance/, attendance/monthly/, attendance-sheets/,
diaries/, whereabouts/, inspections/, cadres/{id}/flags/)."""

from datetime import date

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from config import security
from jurisdictions.api_common import represent, validated
from jurisdictions.api_schema import OBJECT, PAGE, PAGE_PARAMS, id_param, month_param
from jurisdictions.errors import InvalidInput
from teams.selectors import access_cadre

from . import selectors, services
from .models import DailyRecord, DiaryEntry, Flag, Inspection, Status


def cadre_in_scope(*, user, cadre_id):
    """A `cadre` in a request body: not visible to the caller is a 400 (bad field), never a leak."""
    try:
        return access_cadre(user=user, cadre_id=cadre_id)
    except Http404:
        raise InvalidInput("干部不存在或不在您的管理范围内。", code="invalid_cadre",
                           errors={"cadre": ["干部不存在或不在您的管理范围内。"]}) from None


class RecordIn(serializers.Serializer):
    cadre = serializers.IntegerField()
    date = serializers.DateField()
    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


# A daily record (the contract's fields), declared field by field rather than as a ModelSerializer: the check-in
# answers with it on every tap, and a ModelSerializer rebuilds its fields from the model on every use (issue 15).
class RecordOut(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    cadre = serializers.IntegerField(source="cadre_id", label="干部")
    date = serializers.DateField(label="日期")
    status = serializers.ChoiceField(choices=Status.choices, label="状态")
    note = serializers.CharField(max_length=255, required=False, label="备注")
    source = serializers.ChoiceField(choices=DailyRecord.Source.choices, required=False, label="来源")
    township = serializers.IntegerField(source="township_id", label="乡镇")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    recorded_at = serializers.DateTimeField(read_only=True)


class RecordApi(APIView):
    @extend_schema(request=RecordIn, responses={200: RecordOut})
    def post(self, request):
        data = RecordIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        cadre = cadre_in_scope(user=request.user, cadre_id=v["cadre"])
        record = services.record_upsert(actor=request.user, cadre=cadre, day=v["date"], status=v["status"],
                                        note=v["note"])
        return Response(represent(RecordOut, record), status=status.HTTP_200_OK)


class CheckInApi(APIView):
    class Input(serializers.Serializer):
        latitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True,
                                            default=None)
        longitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True,
                                             default=None)

    @extend_schema(request=Input, responses={200: RecordOut})
    def post(self, request):
        # the hottest request of the portal (issue 15): both serializers are built once per process
        data = validated(self.Input, request.data)
        record = services.check_in(actor=request.user, **data)
        return Response(represent(RecordOut, record), status=status.HTTP_200_OK)


class MonthlyApi(APIView):
    @extend_schema(parameters=[id_param("cadre", required=True), month_param()], responses={200: OBJECT})
    def get(self, request):
        cadre_id = request.query_params.get("cadre")
        month = request.query_params.get("month")
        if not cadre_id or not str(cadre_id).isdigit():
            raise InvalidInput("请指定干部（cadre=ID）。", code="cadre_required")
        if not month:
            raise InvalidInput("请指定月份（month=YYYY-MM）。", code="month_required")
        figures = selectors.cadre_month_figures(user=request.user, cadre_id=cadre_id, month_raw=month)
        return Response(figures.as_dict())


class SheetOut(serializers.Serializer):
    """The shape of `sheet_out` (for the schema)."""

    id = serializers.IntegerField()
    org_unit = serializers.IntegerField()
    month = serializers.CharField()
    confirmed_by = serializers.IntegerField(allow_null=True)
    confirmed_at = serializers.DateTimeField()
    shortfall_reasons = serializers.JSONField()
    shortfall_acknowledged = serializers.BooleanField()
    acknowledged_shortfalls = serializers.JSONField()
    review_required = serializers.BooleanField()
    review_role = serializers.CharField(allow_null=True)
    review_rule_ref = serializers.CharField(allow_null=True)
    reviewed_by = serializers.IntegerField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)


class SheetApi(APIView):
    class Input(serializers.Serializer):
        org_unit = serializers.IntegerField()
        month = serializers.CharField(max_length=7)
        reasons = serializers.DictField(child=serializers.CharField(max_length=500, allow_blank=True),
                                        required=False, default=dict)
        acknowledge_shortfall = serializers.BooleanField(required=False, default=False)

    @extend_schema(operation_id="v1_attendance_sheets_list", responses={200: PAGE},
                   parameters=[month_param(), OpenApiParameter("review", str, enum=["pending", "done"]), *PAGE_PARAMS])
    def get(self, request):
        """GET attendance-sheets/?month=YYYY-MM[&review=pending|done] (paginated)."""
        from jurisdictions.api_common import Pagination

        if not request.query_params.get("month"):
            raise InvalidInput("请指定月份（month=YYYY-MM）。", code="month_required")
        sheets, reviews = selectors.sheet_list(user=request.user, month_raw=request.query_params["month"],
                                               review=request.query_params.get("review"))
        paginator = Pagination()
        page = paginator.paginate_queryset(sheets, request, view=self)
        return paginator.get_paginated_response([sheet_out(s, reviews.get(s.jurisdiction_id)) for s in page])

    @extend_schema(request=Input, responses={201: SheetOut})
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        year, month = selectors.parse_month(data.validated_data["month"])
        try:
            township = selectors.access_township(user=request.user, township_id=data.validated_data["org_unit"])
        except Http404:
            raise InvalidInput("乡镇不存在或不在您的管理范围内。", code="invalid_org_unit",
                               errors={"org_unit": ["乡镇不存在或不在您的管理范围内。"]}) from None
        sheet = services.sheet_confirm(actor=request.user, township=township, year=year, month=month,
                                       reasons=data.validated_data["reasons"],
                                       acknowledge_shortfall=data.validated_data["acknowledge_shortfall"])
        return Response(sheet_out(sheet), status=status.HTTP_201_CREATED)


_UNSET = object()


def sheet_out(sheet, review=_UNSET) -> dict:
    """Every sheet answer: the confirmation, and whether (and by whom, when) the county review before pay is done
    (`review_required` from the policy of the sheet's month, fengdu art.9/art.20). `review`: the review policy row
    when the caller already has it (None: none required)."""
    from jurisdictions.policy import policy_in_force

    from . import rules

    pv = rules.review_rule(policy_in_force(sheet.jurisdiction, sheet.month)) if review is _UNSET else review
    return {"id": sheet.id, "org_unit": sheet.township_id, "month": f"{sheet.month:%Y-%m}",
            "confirmed_by": sheet.confirmed_by_id, "confirmed_at": sheet.confirmed_at,
            "shortfall_reasons": sheet.shortfall_reasons, "shortfall_acknowledged": sheet.shortfall_acknowledged,
            "acknowledged_shortfalls": sheet.acknowledged_shortfalls,
            "review_required": pv is not None, "review_role": pv.value["role"] if pv else None,
            "review_rule_ref": pv.rule_ref if pv else None,
            "reviewed_by": sheet.reviewed_by_id, "reviewed_at": sheet.reviewed_at}


class SheetDetailApi(APIView):
    """GET attendance-sheets/{id}/: a confirmed sheet in the caller's scope (others 404)."""

    @extend_schema(responses={200: SheetOut})
    def get(self, request, pk):
        return Response(sheet_out(selectors.access_sheet(user=request.user, sheet_id=pk)))


class SheetReviewApi(APIView):
    """POST attendance-sheets/{id}/review/: the county review before pay, by the role the policy names."""

    @extend_schema(request=None, responses={200: SheetOut})
    def post(self, request, pk):
        return Response(sheet_out(services.sheet_review(actor=request.user, sheet_id=pk)))


class InspectionIn(serializers.Serializer):
    cadre = serializers.IntegerField()
    date = serializers.DateField()
    level = serializers.ChoiceField(choices=Inspection.Level.choices)
    result = serializers.ChoiceField(choices=Inspection.Result.choices)
    reprimand = serializers.ChoiceField(choices=Inspection.Reprimand.choices, required=False, default="",
                                        allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class InspectionOut(serializers.ModelSerializer):
    consequences = serializers.SerializerMethodField()
    cadre_name = serializers.CharField(source="cadre.name")

    class Meta:
        model = Inspection
        fields = ["id", "cadre", "cadre_name", "date", "level", "result", "reprimand", "note", "recorded_by",
                  "created_at", "consequences"]

    def get_consequences(self, obj) -> list:
        return [{"kind": f.kind, "rule_ref": f.rule_ref, "detail": f.detail} for f in obj.flags.all()]


@extend_schema_view(get=extend_schema(parameters=[month_param(required=False), id_param("cadre")]))
class InspectionApi(ListAPIView):
    serializer_class = InspectionOut

    def get_queryset(self):
        p = self.request.query_params
        return selectors.inspection_list(user=self.request.user, month_raw=p.get("month"), cadre_id=p.get("cadre"))

    @extend_schema(request=InspectionIn, responses={201: InspectionOut})
    def post(self, request):
        data = InspectionIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        cadre = cadre_in_scope(user=request.user, cadre_id=v.pop("cadre"))
        inspection, _ = services.inspection_record(actor=request.user, cadre=cadre, day=v.pop("date"), **v)
        return Response(InspectionOut(inspection).data, status=status.HTTP_201_CREATED)


class FlagOut(serializers.ModelSerializer):
    class Meta:
        model = Flag
        fields = ["id", "kind", "rule_ref", "created_at", "source", "detail", "inspection"]


class CadreFlagsApi(ListAPIView):
    serializer_class = FlagOut
    queryset = Flag.objects.none()  # for the schema only (the type of {pk}); get_queryset answers

    def get_queryset(self):
        return selectors.cadre_flags(user=self.request.user, cadre_id=self.kwargs["pk"])


class WhereaboutsApi(APIView):
    """A village's board by id, for signed-in users whose scope covers the village (out of scope: 404). The public
    board is the page behind the village's unguessable link (`whereabouts-public`, issue 14)."""

    throttle_classes = [security.PublicBoardThrottle]  # enumerating villages is slowed (issue 14)

    @extend_schema(parameters=[id_param("village", required=True)], responses={200: PAGE})
    def get(self, request):
        village_id = request.query_params.get("village")
        if not village_id:
            raise InvalidInput("请指定村（village=ID）。", code="village_required")
        village = selectors.access_village(user=request.user, village_id=village_id)
        _, board, _, _ = selectors.whereabouts(village_id=village.pk, day=timezone.localdate())
        rows = [{"name": b["name"], "role": b["role"], "phone": b["phone"], "status": b["status"],
                 "until": b["until"]} for b in board]
        return Response({"count": len(rows), "next": None, "previous": None, "results": rows})


class DiaryIn(serializers.Serializer):
    date = serializers.DateField()
    content = serializers.CharField(max_length=5000)
    duty_area = serializers.ChoiceField(choices=DiaryEntry.DutyArea.choices, required=False,
                                        default=DiaryEntry.DutyArea.OTHER)
    kind = serializers.ChoiceField(choices=DiaryEntry.Kind.choices, required=False, default=DiaryEntry.Kind.ENTRY)
    photo = serializers.FileField(required=False, allow_null=True, default=None)


class DiaryOut(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name")
    photo = serializers.SerializerMethodField()

    def get_photo(self, entry) -> str | None:
        """The scoped link to the photo (issue 14: never a MEDIA_ROOT address)."""
        return reverse("api-diary-photo", args=[entry.pk]) if entry.photo else None

    class Meta:
        model = DiaryEntry
        fields = ["id", "cadre", "cadre_name", "date", "kind", "duty_area", "content", "photo", "created_at"]


@extend_schema_view(get=extend_schema(parameters=[id_param("cadre"), month_param(required=False),
                                                  OpenApiParameter("week", str, description="ISO 周 YYYY-Www")]))
class DiaryApi(ListAPIView):
    serializer_class = DiaryOut
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        p = self.request.query_params
        return selectors.diary_list(user=self.request.user, cadre_id=p.get("cadre"), month_raw=p.get("month"),
                                    week_raw=p.get("week"))

    @extend_schema(request={"application/json": DiaryIn, "multipart/form-data": DiaryIn}, responses={201: DiaryOut})
    def post(self, request):
        data = DiaryIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        entry = services.diary_create(actor=request.user, day=v["date"], content=v["content"],
                                      duty_area=v["duty_area"], kind=v["kind"], photo=v["photo"])
        return Response(DiaryOut(entry).data, status=status.HTTP_201_CREATED)


class DiaryPhotoApi(APIView):
    """GET diaries/{id}/photo/: the diary's photo, for users whose scope covers the diary's cadre (others 404)."""

    @extend_schema(responses={(200, t): OpenApiTypes.BINARY for t in ("image/jpeg", "image/png", "image/heic",
                                                                      "application/octet-stream")})
    def get(self, request, pk):
        import mimetypes

        entry = selectors.access_diary(user=request.user, diary_id=pk)
        if not entry.photo:
            raise Http404
        content_type = mimetypes.guess_type(entry.photo.name)[0] or "application/octet-stream"
        return FileResponse(entry.photo.open("rb"), content_type=content_type, as_attachment=False)


class TownshipMonthlyApi(APIView):
    """GET attendance/monthly/township/?org_unit=ID&month=YYYY-MM: every cadre the township keeps, with the same
    figures as attendance/monthly/ (paginated), in a number of queries that does not grow with the cadres."""

    @extend_schema(parameters=[id_param("org_unit", required=True), month_param(), *PAGE_PARAMS], responses={200: PAGE})
    def get(self, request):
        from jurisdictions.api_common import Pagination

        p = request.query_params
        if not str(p.get("org_unit", "")).isdigit():
            raise InvalidInput("请指定乡镇（org_unit=ID）。", code="org_unit_required")
        year, month = selectors.parse_month(p.get("month", ""))
        township = selectors.access_township(user=request.user, township_id=p["org_unit"])
        first, last = selectors.month_bounds(year, month)
        paginator = Pagination()
        # paged in the database: a count and one page of memberships; figures for that page's cadres only
        page = paginator.paginate_queryset(selectors.township_memberships_qs(township=township, first=first,
                                                                             last=last), request, view=self)
        figures = selectors.figures_for(jurisdiction=township.jurisdiction, year=year, month=month,
                                        cadre_ids=[m.cadre_id for m in page])
        sheet = selectors.sheet_confirmed(township=township, first=first)
        response = paginator.get_paginated_response(
            [figures[m.cadre_id].as_dict() | {"name": m.cadre.name} for m in page])
        response.data["confirmed"] = sheet
        return response


def _township_month_params(request):
    p = request.query_params
    if not str(p.get("org_unit", "")).isdigit():
        raise InvalidInput("请指定乡镇（org_unit=ID）。", code="org_unit_required")
    year, month = selectors.parse_month(p.get("month", ""))
    return selectors.access_township(user=request.user, township_id=p["org_unit"]), year, month


class DailyCountsApi(APIView):
    """GET attendance/daily-counts/?org_unit=ID&month=YYYY-MM: the township's daily on-duty statistics."""

    @extend_schema(parameters=[id_param("org_unit", required=True), month_param()], responses={200: OBJECT})
    def get(self, request):
        from jurisdictions.policy import policy_in_force

        township, year, month = _township_month_params(request)
        pv = policy_in_force(township.jurisdiction, date(year, month, 1)).get("attendance.daily_township_count")
        return Response({"org_unit": township.id, "month": f"{year:04d}-{month:02d}",
                         "rule_ref": pv.rule_ref if pv else None,
                         "days": selectors.township_daily_counts(township=township, year=year, month=month)})


class InspectionLogApi(APIView):
    """GET inspections/log/?org_unit=ID&month=YYYY-MM: each cadre of the township and the month's inspections;
    `missing` lists cadres not inspected where the policy asks for a monthly inspection of everyone."""

    @extend_schema(parameters=[id_param("org_unit", required=True), month_param()], responses={200: OBJECT})
    def get(self, request):
        from jurisdictions.policy import policy_in_force

        township, year, month = _township_month_params(request)
        pv = policy_in_force(township.jurisdiction, date(year, month, 1)).get("inspection.county_monthly")
        memberships, by_cadre = selectors.inspection_log(township=township, year=year, month=month)
        rows = [{"cadre": m.cadre_id, "name": m.cadre.name,
                 "inspections": [{"id": i.id, "date": i.date, "level": i.level, "result": i.result,
                                  "reprimand": i.reprimand} for i in by_cadre.get(m.cadre_id, [])]}
                for m in memberships]
        return Response({"org_unit": township.id, "month": f"{year:04d}-{month:02d}",
                         "rule_ref": pv.rule_ref if pv else None, "cadres": rows,
                         "missing": [r["cadre"] for r in rows if not r["inspections"]] if pv else []})
