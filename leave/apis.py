"""Thin API views for leave requests (DESIGN.md contract: /api/v1/leave-requests/...)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from jurisdictions.errors import InvalidInput
from teams.selectors import access_cadre

from . import rules, selectors, services
from .models import LeaveApproval, LeaveFiling, LeaveRequest


def _role_label(obj) -> str:
    """The office as this jurisdiction's level names it (区委组织部 in a district, 县委组织部 in a county)."""
    return rules.role_label(obj.role, obj.request.jurisdiction.level)


class ApprovalOut(serializers.ModelSerializer):
    role_label = serializers.SerializerMethodField()
    decided_by = serializers.CharField(source="decided_by.__str__", default=None, allow_null=True)

    class Meta:
        model = LeaveApproval
        fields = ["id", "stage", "role", "role_label", "status", "decided_by", "decided_at", "comment"]

    def get_role_label(self, obj) -> str:
        return _role_label(obj)


class FilingOut(serializers.ModelSerializer):
    role_label = serializers.SerializerMethodField()

    class Meta:
        model = LeaveFiling
        fields = ["role", "role_label", "rule_ref", "filed_at"]

    def get_role_label(self, obj) -> str:
        return _role_label(obj)


class LeaveRequestOut(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name")
    township_name = serializers.CharField(source="township.name")
    approvals = ApprovalOut(many=True, read_only=True)
    filings = FilingOut(many=True, read_only=True)
    route_label = serializers.CharField()
    route_interpretation = serializers.CharField()
    notices = serializers.ListField()
    actual_days = serializers.IntegerField(allow_null=True)
    written_form_required = serializers.SerializerMethodField()
    replacement = serializers.SerializerMethodField()

    class Meta:
        model = LeaveRequest
        fields = ["id", "cadre", "cadre_name", "team", "township", "township_name", "cadre_is_leader", "kind",
                  "channel", "start_date", "end_date", "days", "reason", "status", "approvals", "filings",
                  "replacement_required", "replacement_rule_ref", "replacement", "written_followup_due", "written_form_required",
                  "written_form_filed_at", "followup_rule_ref", "rule_ref", "route_key", "route_is_default",
                  "route_label", "route_interpretation", "notices", "returned_on", "actual_days", "created_at",
                  "decided_at"]

    def get_written_form_required(self, obj) -> bool:
        return bool(obj.followup_rule_ref)

    def get_replacement(self, obj) -> dict | None:
        """The cadre the dispatch unit named to take over the work (赣州 art.17), or null."""
        if obj.replacement_id is None:
            return None
        return {"id": obj.replacement_id, "name": obj.replacement.name}


class LeaveRequestIn(serializers.Serializer):
    cadre = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=LeaveRequest.Kind.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    reason = serializers.CharField(max_length=2000)
    channel = serializers.ChoiceField(choices=LeaveRequest.Channel.choices, required=False,
                                      default=LeaveRequest.Channel.WRITTEN)


def _out(request, leave_request_id) -> Response:
    return Response(LeaveRequestOut(selectors.access_leave_request(user=request.user,
                                                                   leave_request_id=leave_request_id)).data)


@extend_schema_view(get=extend_schema(parameters=[OpenApiParameter("mine", str, enum=["approver"]), OpenApiParameter("cadre", int),
                                                  OpenApiParameter("status", str)]))
class LeaveRequestListApi(ListAPIView):
    serializer_class = LeaveRequestOut

    def get_queryset(self):
        p = self.request.query_params
        if p.get("mine") == "approver":
            return selectors.approver_inbox(user=self.request.user)
        cadre = p.get("cadre")
        if cadre is not None and not cadre.isdigit():
            raise InvalidInput("cadre 应为整数。", code="bad_cadre")
        return selectors.leave_request_list(user=self.request.user, cadre_id=int(cadre) if cadre else None,
                                            status=p.get("status") or None)

    @extend_schema(request=LeaveRequestIn, responses={201: LeaveRequestOut})
    def post(self, request):
        data = LeaveRequestIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["cadre"] = access_cadre(user=request.user, cadre_id=values["cadre"])
        leave_request = services.leave_request_submit(actor=request.user, **values)
        response = _out(request, leave_request.pk)
        response.status_code = status.HTTP_201_CREATED
        return response


class LeaveRequestDetailApi(APIView):
    @extend_schema(responses=LeaveRequestOut)
    def get(self, request, pk):
        return _out(request, pk)


class CommentIn(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ApproveApi(APIView):
    @extend_schema(request=CommentIn, responses=LeaveRequestOut)
    def post(self, request, pk):
        selectors.access_leave_request(user=request.user, leave_request_id=pk)  # 404 outside scope
        data = CommentIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.leave_request_approve(actor=request.user, leave_request_id=int(pk), **data.validated_data)
        return _out(request, pk)


@extend_schema_serializer(component_name="LeaveRejectIn")
class RejectIn(serializers.Serializer):
    comment = serializers.CharField(max_length=2000)


class ReturnIn(serializers.Serializer):
    returned_on = serializers.DateField()


class RejectApi(APIView):
    @extend_schema(request=RejectIn, responses=LeaveRequestOut)
    def post(self, request, pk):
        selectors.access_leave_request(user=request.user, leave_request_id=pk)
        data = RejectIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.leave_request_reject(actor=request.user, leave_request_id=int(pk), **data.validated_data)
        return _out(request, pk)


class CancelApi(APIView):
    @extend_schema(request=None, responses=LeaveRequestOut)
    def post(self, request, pk):
        selectors.access_leave_request(user=request.user, leave_request_id=pk)
        services.leave_request_cancel(actor=request.user, leave_request_id=int(pk))
        return _out(request, pk)


class ReturnApi(APIView):
    @extend_schema(request=ReturnIn, responses=LeaveRequestOut)
    def post(self, request, pk):
        selectors.access_leave_request(user=request.user, leave_request_id=pk)
        data = ReturnIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.leave_request_return(actor=request.user, leave_request_id=int(pk), **data.validated_data)
        return _out(request, pk)


class WrittenFormApi(APIView):
    """补办书面请假手续 after phone/SMS leave (ganzhou art.17): clears written_followup_due."""

    @extend_schema(request=None, responses=LeaveRequestOut)
    def post(self, request, pk):
        selectors.access_leave_request(user=request.user, leave_request_id=pk)
        services.leave_request_file_written_form(actor=request.user, leave_request_id=int(pk))
        return _out(request, pk)


class ReplacementIn(serializers.Serializer):
    cadre = serializers.IntegerField()


class ReplacementApi(APIView):
    """派出单位安排接替人员 (ganzhou art.17, leave of 15 days or more): `{cadre}` → the request."""

    @extend_schema(request=ReplacementIn, responses=LeaveRequestOut)
    def post(self, request, pk):
        selectors.access_leave_request(user=request.user, leave_request_id=pk)
        data = ReplacementIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.leave_request_name_replacement(actor=request.user, leave_request_id=int(pk),
                                                cadre_id=data.validated_data["cadre"])
        return _out(request, pk)
