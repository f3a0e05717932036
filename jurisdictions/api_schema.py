"""What the OpenAPI schema shares (issue 14): the contract's error shape, declared on every operation, and the
types of answers that are not serializers (xlsx downloads, free-form objects)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_serializer
from rest_framework import serializers


@extend_schema_serializer(component_name="Error")
class ErrorOut(serializers.Serializer):
    """DESIGN.md contract: `{code, detail, rule_ref?, overridable?, errors?}` (jurisdictions.api_common)."""

    code = serializers.CharField()
    detail = serializers.CharField()
    rule_ref = serializers.CharField(required=False, allow_null=True)
    overridable = serializers.BooleanField(required=False)
    errors = serializers.JSONField(required=False)


# Every status the exception handler can answer with: bad input or a refused rule, no credentials, no permission,
# out of scope, a state conflict, throttled.
ERROR_STATUSES = {
    "400": "输入有误或规则不允许（code、detail、rule_ref）",
    "401": "未登录或令牌无效",
    "403": "无权限",
    "404": "对象不存在或不在权限范围内",
    "409": "状态冲突",
    "429": "请求过于频繁",
}

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# a download: `responses=XLSX_RESPONSE`
XLSX_RESPONSE = {(200, XLSX): OpenApiTypes.BINARY}


def month_param(required=True, description="月份 YYYY-MM"):
    return OpenApiParameter("month", str, required=required, description=description, pattern=r"^\d{4}-\d{2}$")


def id_param(name, required=False, description=""):
    return OpenApiParameter(name, int, required=required, description=description)

OBJECT = OpenApiTypes.OBJECT
# a page of free-form rows (jurisdictions.api_common.Pagination): `responses={200: PAGE}`
PAGE = {
    "type": "object",
    "required": ["count", "results"],
    "properties": {
        "count": {"type": "integer"},
        "next": {"type": "string", "nullable": True},
        "previous": {"type": "string", "nullable": True},
        "results": {"type": "array", "items": {"type": "object", "additionalProperties": {}}},
    },
}
# a list of free-form rows: `responses={200: ROWS}`
ROWS = {"type": "array", "items": {"type": "object", "additionalProperties": {}}}
PAGE_PARAMS = [OpenApiParameter("page", int), OpenApiParameter("page_size", int)]


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema that adds the contract's error responses to every operation."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERROR_STATUSES.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorOut, code, direction=direction)
                responses[code]["description"] = description
        return responses

    def _get_serializer_name(self, serializer, direction, bypass_extensions=False):
        """A view's nested `Input` serializer is named after its view (`PolicyApi.Input` → `PolicyInput`), so the
        many `Input`s do not collide into one component."""
        name = super()._get_serializer_name(serializer, direction, bypass_extensions)
        cls = serializer if isinstance(serializer, type) else type(serializer)
        outer, _, inner = cls.__qualname__.rpartition(".")
        if outer and "<" not in outer:
            prefix = outer.split(".")[-1].removesuffix("Api").removesuffix("View")
            name = name.replace(inner, prefix + inner, 1)
        return name
