"""Thin API views: validate shape, call one service or selector, serialize."""

from datetime import date

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config import security

from . import selectors, services
from .api_schema import OBJECT, ROWS, month_param
from .calendar import month_calendar
from .errors import InvalidInput
from .models import DispatchUnit, Jurisdiction, OrgUnit, Role


@extend_schema_field({"type": "string", "description": "辖区代码，如 ganzhou"})
class JurisdictionField(serializers.SlugRelatedField):
    """A `jurisdiction` field takes the code ("ganzhou"); unknown or invisible codes are a 400."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Jurisdiction.objects.all(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return selectors.jurisdiction_list(user=request.user) if request else Jurisdiction.objects.none()


@extend_schema_field(OpenApiTypes.INT)
class ScopedPK(serializers.PrimaryKeyRelatedField):
    """A foreign key that only accepts objects in the caller's scope (others: 'does not exist')."""

    def __init__(self, selector, **kwargs):
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.selector(user=self.context["request"].user)


class TokenView(APIView):
    """Throttled per address and per username; a username locked out from this address (django-axes) gets the
    Chinese 429 of config.security.lockout_response; an expired token is replaced."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [security.TokenIpThrottle, security.TokenUsernameThrottle]

    class Input(serializers.Serializer):
        username = serializers.CharField()
        password = serializers.CharField()

    @extend_schema(request=Input, responses={200: inline_serializer("TokenOut", {
        "token": serializers.CharField(), "expires_at": serializers.DateTimeField()})})
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, **data.validated_data)  # the HttpRequest: axes marks a lockout on it
        if getattr(request._request, "axes_locked_out", False):
            return security.lockout_response(request._request)
        if user is None:
            raise InvalidInput("用户名或密码错误。", code="bad_credentials")
        token = security.token_for(user)
        return Response({"token": token.key, "expires_at": token.created + settings.API_TOKEN_LIFETIME})


class SignOutEverywhereApi(APIView):
    """POST: end every API token and page session of the signed-in user → 204."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        security.sign_out_everywhere(request.user)
        return Response(status=204)


class JurisdictionListApi(APIView):
    class Input(serializers.Serializer):
        code = serializers.SlugField(max_length=32)
        name = serializers.CharField(max_length=64)
        level = serializers.ChoiceField(choices=Jurisdiction.Level.choices)
        effective_from = serializers.DateField()
        document = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        admin_username = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
        admin_password = serializers.CharField(required=False, allow_blank=True, default="", write_only=True)

    @extend_schema(operation_id="v1_jurisdictions_list", responses={200: ROWS})
    def get(self, request):
        rows = selectors.jurisdiction_list(user=request.user)
        return Response([{"code": j.code, "name": j.name, "level": j.level} for j in rows])

    @extend_schema(request=Input, responses={201: OBJECT})
    def post(self, request):
        """A superuser opens a jurisdiction (optionally with its first admin): → 201 {code, name, level}."""
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        j = services.jurisdiction_create(actor=request.user, **data.validated_data)
        return Response({"code": j.code, "name": j.name, "level": j.level,
                         "effective_from": j.effective_from.isoformat()}, status=status.HTTP_201_CREATED)


def _day_param(raw, default=None) -> date:
    try:
        return date.fromisoformat(raw) if raw else (default or timezone.localdate())
    except ValueError:
        raise InvalidInput("日期格式应为 YYYY-MM-DD。", code="bad_date") from None


class PolicyExportApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("on", OpenApiTypes.DATE)], responses={200: OBJECT})
    def get(self, request, code):
        """Every row in force on ?on= as one policy pack (JSON, a file to download)."""
        from .packs import pack_export

        jurisdiction = selectors.access_jurisdiction(user=request.user, code=code)
        day = _day_param(request.query_params.get("on"))
        response = Response(pack_export(jurisdiction, day))
        response["Content-Disposition"] = f'attachment; filename="policy-{code}-{day.isoformat()}.json"'
        return response


class PolicyImportApi(APIView):
    class Input(serializers.Serializer):
        file = serializers.FileField()
        effective_from = serializers.DateField(required=False)
        dry_run = serializers.BooleanField(required=False, default=False)
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request={"multipart/form-data": Input}, responses={200: OBJECT})
    def post(self, request, code):
        """Import a pack: → the diff {added, changed, removed, saved, unavailable}; dry_run saves nothing."""
        from .packs import parse_pack

        jurisdiction = selectors.access_jurisdiction(user=request.user, code=code)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        rows = parse_pack(v["file"].read())
        effective = v.get("effective_from") or jurisdiction.effective_from
        if effective is None:
            raise InvalidInput("请填写生效日期 effective_from。", code="effective_from_required")
        answer = services.policy_pack_import(actor=request.user, jurisdiction=jurisdiction, rows=rows,
                                             effective_from=effective, dry_run=v["dry_run"], reason=v["reason"])
        return Response(answer)


class PolicyApi(APIView):
    class Input(serializers.Serializer):
        key = serializers.CharField(max_length=100)
        value = serializers.JSONField()
        effective_from = serializers.DateField()
        rule_ref = serializers.CharField(max_length=64, required=False, allow_blank=True, default=None)
        note = serializers.CharField(required=False, allow_blank=True, default="")
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=Input, responses={201: OBJECT})
    def post(self, request, code):
        """A jurisdiction admin adds a version of a row (DESIGN.md): → 201 the new version."""
        jurisdiction = selectors.access_jurisdiction(user=request.user, code=code)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        row = services.policy_version_add(actor=request.user, jurisdiction=jurisdiction, key=v["key"],
                                          value=v["value"], effective_from=v["effective_from"],
                                          rule_ref=v["rule_ref"] or None, note=v["note"], reason=v["reason"])
        return Response({"id": row.id, "code": code, "key": row.key, "value": row.value,
                         "effective_from": row.effective_from.isoformat(), "rule_ref": row.rule_ref,
                         "is_default": row.is_default, "note": row.note}, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("on", OpenApiTypes.DATE)], responses={200: OBJECT})
    def get(self, request, code):
        on = request.query_params.get("on")
        try:
            day = date.fromisoformat(on) if on else timezone.localdate()
        except ValueError:
            raise InvalidInput("日期格式应为 YYYY-MM-DD。", code="bad_date") from None
        policy = selectors.policy_for(user=request.user, code=code, on=day)
        effective = max((pv.effective_from for _, pv in policy.items()), default=None)
        return Response({
            "code": code,
            "on": day.isoformat(),
            "effective_from": effective.isoformat() if effective else None,
            "rules": {k: {"value": pv.value, "rule_ref": pv.rule_ref, "effective_from": pv.effective_from.isoformat(),
                          "is_default": pv.is_default} for k, pv in policy.items()},
        })


class OrgUnitOut(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "jurisdiction", "kind", "name", "parent", "town_type"]


@extend_schema_view(get=extend_schema(parameters=[OpenApiParameter("kind", str, enum=OrgUnit.Kind.values)]))
class OrgUnitApi(ListAPIView):
    serializer_class = OrgUnitOut

    class Input(serializers.Serializer):
        jurisdiction = JurisdictionField()
        kind = serializers.ChoiceField(choices=OrgUnit.Kind.choices)
        name = serializers.CharField(max_length=64)
        parent = ScopedPK(selectors.org_unit_list, required=False, allow_null=True)
        town_type = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")

    def get_queryset(self):
        return selectors.org_unit_list(user=self.request.user, kind=self.request.query_params.get("kind"))

    @extend_schema(request=Input, responses={201: OrgUnitOut})
    def post(self, request):
        data = self.Input(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        unit = services.org_unit_create(actor=request.user, **data.validated_data)
        return Response(OrgUnitOut(unit).data, status=status.HTTP_201_CREATED)


class DispatchUnitOut(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = DispatchUnit
        fields = ["id", "jurisdiction", "name", "level"]


class DispatchUnitApi(ListAPIView):
    serializer_class = DispatchUnitOut

    class Input(serializers.Serializer):
        jurisdiction = JurisdictionField()
        name = serializers.CharField(max_length=100)
        level = serializers.ChoiceField(choices=DispatchUnit.Level.choices)

    def get_queryset(self):
        return selectors.dispatch_unit_list(user=self.request.user)

    @extend_schema(request=Input, responses={201: DispatchUnitOut})
    def post(self, request):
        data = self.Input(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        unit = services.dispatch_unit_create(actor=request.user, **data.validated_data)
        return Response(DispatchUnitOut(unit).data, status=status.HTTP_201_CREATED)


class UserApi(APIView):
    class Input(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(min_length=8, write_only=True)
        jurisdiction = JurisdictionField()
        cadre = serializers.IntegerField(required=False, allow_null=True)
        display_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")

    @extend_schema(request=Input, responses={201: OBJECT})
    def post(self, request):
        from teams.selectors import access_cadre

        data = self.Input(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        cadre_id = values.pop("cadre", None)
        values["cadre"] = access_cadre(user=request.user, cadre_id=cadre_id) if cadre_id else None
        user = services.user_create(actor=request.user, **values)
        return Response({"id": user.id, "username": user.username}, status=status.HTTP_201_CREATED)


class RoleGrantApi(APIView):
    class Input(serializers.Serializer):
        user = ScopedPK(selectors.administered_users)
        role = serializers.ChoiceField(choices=Role.choices)
        org_unit = ScopedPK(selectors.org_unit_list, required=False, allow_null=True)
        dispatch_unit = ScopedPK(selectors.dispatch_unit_list, required=False, allow_null=True)
        jurisdiction = JurisdictionField(required=False, allow_null=True)

    @extend_schema(request=Input, responses={201: OBJECT})
    def post(self, request):
        data = self.Input(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        grant = services.role_grant_create(actor=request.user, **data.validated_data)
        return Response({"id": grant.id, "user": grant.user_id, "role": grant.role,
                         "jurisdiction": grant.jurisdiction.code, "org_unit": grant.org_unit_id,
                         "dispatch_unit": grant.dispatch_unit_id}, status=status.HTTP_201_CREATED)


class AuditEventOut(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)
    action = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.IntegerField(allow_null=True)
    summary = serializers.CharField()
    data = serializers.JSONField()


class AuditEventListApi(ListAPIView):
    serializer_class = AuditEventOut

    def get_queryset(self):
        return selectors.audit_list(user=self.request.user)


class CalendarApi(APIView):
    """GET calendar/?month=YYYY-MM: the statutory working days of a month, with warnings."""

    @extend_schema(parameters=[month_param()], responses={200: inline_serializer("CalendarOut", {
        "month": serializers.CharField(), "working_days": serializers.ListField(child=serializers.DateField()),
        "working_day_count": serializers.IntegerField(), "warnings": serializers.ListField(child=serializers.CharField())})})
    def get(self, request):
        from .forms import parse_month

        year, month = parse_month(request.query_params.get("month"))
        cal = month_calendar(year, month)
        return Response({"month": f"{year:04d}-{month:02d}", "working_days": [d.isoformat() for d in cal.working_days],
                         "working_day_count": cal.working_day_count, "warnings": cal.warnings})
