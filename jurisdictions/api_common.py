"""What every API view shares: pagination, the error shape, scope-aware helpers."""

import functools

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import PortalError


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


@functools.cache
def _shared(serializer_class):
    """One instance per serializer class and process, its fields built once (see `represent`)."""
    return serializer_class()


def represent(serializer_class, instance) -> dict:
    """`serializer_class(instance).data` without building the serializer again: DRF deep-copies every declared field
    each time a serializer is made (about 0.1 ms for ten fields), which the check-in, the hottest request, paid on
    every tap (issue 15). Only for serializers whose fields need no context (no request, no view): the shared
    instance has none."""
    return _shared(serializer_class).to_representation(instance)


def validated(serializer_class, data) -> dict:
    """`s = serializer_class(data=data); s.is_valid(raise_exception=True); s.validated_data`, checked on the shared
    instance (see `represent`). Input it refuses is checked again by a fresh serializer, whose refusal is raised: the
    same 400 to the letter (a `null` body, for one, reads "No data provided" only there)."""
    try:
        return _shared(serializer_class).run_validation(data)
    except exceptions.ValidationError:
        pass
    fresh = serializer_class(data=data)
    fresh.is_valid(raise_exception=True)
    return fresh.validated_data


def _first_message(errors) -> str:
    if isinstance(errors, dict):
        for field, value in errors.items():
            msg = _first_message(value)
            return msg if field in ("non_field_errors", "detail") else f"{field}: {msg}"
    if isinstance(errors, list) and errors:
        return _first_message(errors[0])
    return str(errors)


def exception_handler(exc, context):
    """Contract: 400 `{code, detail, rule_ref?, overridable?, errors?}`, 409 `{code, detail}`."""
    if isinstance(exc, PortalError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404):
        return Response({"code": "not_found", "detail": "对象不存在或不在您的权限范围内。"}, status=404)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.Throttled):  # 429 in Chinese (issue 14)
        from config.security import throttled_detail

        response.data = {"code": "throttled", "detail": throttled_detail(exc.wait)}
    elif isinstance(exc, exceptions.ValidationError):
        response.data = {"code": "invalid", "detail": "输入有误：" + _first_message(exc.detail), "errors": exc.detail}
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
        response.data = {"code": code, "detail": str(exc.detail)}
    return response


def not_found(request, exception):
    """handler404: under /api/ a URL no route matches (`/api/v1/teams/-1/`) answers the contract's JSON 404
    `{code, detail}` like an object out of scope does; pages keep the HTML 404."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": "对象不存在或不在您的权限范围内。"}, status=404,
                            json_dumps_params={"ensure_ascii": False})
    return page_not_found(request, exception)
