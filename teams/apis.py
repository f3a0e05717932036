"""Thin API views for cadres, teams and memberships (DESIGN.md contract)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from jurisdictions.api_schema import OBJECT, ROWS, id_param
from jurisdictions.apis import JurisdictionField, ScopedPK
from jurisdictions.errors import InvalidInput
from jurisdictions.models import DispatchUnit
from jurisdictions.selectors import dispatch_unit_list, org_unit_list

from . import roster, selectors, services
from .models import Cadre, Handover, Membership, Team


class CadreIn(serializers.Serializer):
    jurisdiction = JurisdictionField()
    name = serializers.CharField(max_length=64)
    gender = serializers.ChoiceField(choices=Cadre.Gender.choices)
    birth_date = serializers.DateField()
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    party_status = serializers.ChoiceField(choices=Cadre.PartyStatus.choices)
    party_joined_on = serializers.DateField(required=False, allow_null=True, default=None)
    work_started_on = serializers.DateField(required=False, allow_null=True, default=None)
    rank = serializers.ChoiceField(choices=Cadre.Rank.choices)
    reserve_cadre = serializers.BooleanField(required=False, default=False)
    category = serializers.ChoiceField(choices=Cadre.Category.choices)
    dispatch_unit = ScopedPK(dispatch_unit_list)
    dispatch_level = serializers.ChoiceField(choices=DispatchUnit.Level.choices)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    commute_km = serializers.DecimalField(max_digits=7, decimal_places=1, required=False, allow_null=True,
                                          default=None, min_value=0)
    self_driving = serializers.BooleanField(required=False, default=False)


class CadreOut(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(slug_field="code", read_only=True)
    station = serializers.CharField(source="station.name", default=None, allow_null=True)
    has_login = serializers.SerializerMethodField()

    class Meta:
        model = Cadre
        fields = ["id", "jurisdiction", "name", "gender", "birth_date", "id_number", "party_status", "party_joined_on",
                  "work_started_on", "rank", "reserve_cadre", "category", "dispatch_unit", "dispatch_level", "phone",
                  "commute_km", "self_driving", "station", "has_login"]

    def get_has_login(self, obj) -> bool:
        return obj.user_id is not None


@extend_schema_view(get=extend_schema(parameters=[OpenApiParameter("q", str, description="姓名、身份证号或电话")]))
class CadreListApi(ListAPIView):
    serializer_class = CadreOut

    def get_queryset(self):
        p = self.request.query_params
        return selectors.cadre_list(user=self.request.user, search=p.get("q", ""))

    @extend_schema(request=CadreIn, responses={201: CadreOut})
    def post(self, request):
        data = CadreIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        jurisdiction = values.pop("jurisdiction")
        cadre = services.cadre_create(actor=request.user, jurisdiction=jurisdiction, data=values)
        return Response(CadreOut(cadre).data, status=status.HTTP_201_CREATED)


class CadreDetailApi(APIView):
    @extend_schema(responses={200: CadreOut})
    def get(self, request, pk):
        return Response(CadreOut(selectors.access_cadre(user=request.user, cadre_id=pk)).data)

    @extend_schema(request=CadreIn(partial=True), responses={200: CadreOut})
    def patch(self, request, pk):
        cadre = selectors.access_cadre(user=request.user, cadre_id=pk)
        data = CadreIn(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("jurisdiction", None)
        cadre = services.cadre_update(actor=request.user, cadre=cadre, data=values)
        return Response(CadreOut(cadre).data)


class CadreImportApi(APIView):
    """POST an .xlsx roster (`file`, `jurisdiction`): all rows or none, errors per row in Chinese."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": inline_serializer("RosterImportIn", {
        "file": serializers.FileField(), "jurisdiction": serializers.CharField()})}, responses={201: OBJECT})
    def post(self, request):
        from jurisdictions.selectors import access_jurisdiction

        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput("请上传 .xlsx 花名册文件（字段名 file）。", code="file_required")
        jurisdiction = access_jurisdiction(user=request.user, code=request.data.get("jurisdiction", ""))
        created, errors = roster.roster_import(actor=request.user, jurisdiction=jurisdiction, upload=upload)
        if errors:
            return Response({"code": "roster_invalid", "detail": f"花名册有{len(errors)}处错误，未导入任何数据。",
                             "errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": len(created), "ids": [c.id for c in created]}, status=status.HTTP_201_CREATED)


class HandoverBrief(serializers.ModelSerializer):
    """The membership's 工作交接 (null until recorded)."""

    successor_name = serializers.CharField(source="successor.name", default=None, allow_null=True)

    class Meta:
        model = Handover
        fields = ["id", "date", "successor", "successor_name", "items"]


class MembershipOut(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name")
    village_name = serializers.CharField(source="village.name", default=None, allow_null=True)
    handover = HandoverBrief(read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ["id", "team", "cadre", "cadre_name", "role", "first_secretary", "village", "village_name",
                  "start_date", "planned_end", "term_rule_ref", "end_date", "end_kind", "end_ground",
                  "end_rule_ref", "handover"]


class TeamIn(serializers.Serializer):
    jurisdiction = JurisdictionField()
    kind = serializers.ChoiceField(choices=Team.Kind.choices)
    name = serializers.CharField(max_length=100)
    host_unit = ScopedPK(org_unit_list)
    dispatch_level = serializers.ChoiceField(choices=DispatchUnit.Level.choices)
    lead_unit = ScopedPK(dispatch_unit_list, required=False, allow_null=True, default=None)
    member_units = ScopedPK(dispatch_unit_list, many=True, required=False, default=list)
    term_start = serializers.DateField()
    term_end = serializers.DateField(required=False, allow_null=True, default=None)


class TeamOut(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(slug_field="code", read_only=True)
    host_unit_name = serializers.CharField(source="host_unit.name")
    member_count = serializers.IntegerField(source="active_count", default=None, allow_null=True)

    class Meta:
        model = Team
        fields = ["id", "jurisdiction", "kind", "name", "host_unit", "host_unit_name", "dispatch_level", "lead_unit",
                  "term_start", "term_end", "term_rule_ref", "ended_on", "member_count"]


class TeamDetailOut(TeamOut):
    member_units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    members = serializers.SerializerMethodField()
    checks = serializers.SerializerMethodField()

    class Meta(TeamOut.Meta):
        fields = TeamOut.Meta.fields + ["member_units", "members", "checks"]

    def get_members(self, team) -> list:
        return MembershipOut(team.active_memberships, many=True).data

    def get_checks(self, team) -> list:
        return [{"code": f.code, "rule_ref": f.rule_ref, "severity": f.severity, "detail": f.detail}
                for f in services.team_checks_now(team, team.active_memberships)]


class TeamListApi(ListAPIView):
    serializer_class = TeamOut

    def get_queryset(self):
        return selectors.team_list(user=self.request.user)

    @extend_schema(request=TeamIn, responses={201: TeamDetailOut})
    def post(self, request):
        data = TeamIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        team = services.team_create(actor=request.user, **data.validated_data)
        team = selectors.access_team(user=request.user, team_id=team.pk)
        return Response(TeamDetailOut(team).data, status=status.HTTP_201_CREATED)


class TeamDetailApi(APIView):
    @extend_schema(responses={200: TeamDetailOut})
    def get(self, request, pk):
        return Response(TeamDetailOut(selectors.access_team(user=request.user, team_id=pk)).data)


class MemberIn(serializers.Serializer):
    cadre = serializers.IntegerField()
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    first_secretary = serializers.BooleanField(required=False, default=False)
    village = ScopedPK(org_unit_list, required=False, allow_null=True, default=None)
    start_date = serializers.DateField()
    override_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class TeamMembersApi(APIView):
    @extend_schema(responses={200: MembershipOut(many=True)})
    def get(self, request, pk):
        team = selectors.access_team(user=request.user, team_id=pk)
        return Response(MembershipOut(selectors.team_history(team=team), many=True).data)

    @extend_schema(request=MemberIn, responses={201: OBJECT})
    def post(self, request, pk):
        team = selectors.access_team(user=request.user, team_id=pk)
        data = MemberIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["cadre"] = selectors.access_cadre(user=request.user, cadre_id=values["cadre"])
        membership, overridden = services.membership_add(actor=request.user, team=team, **values)
        team = selectors.access_team(user=request.user, team_id=team.pk)
        warnings = [{"code": f.code, "rule_ref": f.rule_ref, "detail": f.detail, "overridden": True}
                    for f in overridden]
        warnings += [{"code": f.code, "rule_ref": f.rule_ref, "detail": f.detail, "overridden": False}
                     for f in services.team_checks_now(team, team.active_memberships)]
        return Response(MembershipOut(membership).data | {"warnings": warnings}, status=status.HTTP_201_CREATED)


class MembershipEndApi(APIView):
    class Input(serializers.Serializer):
        end_date = serializers.DateField()
        kind = serializers.ChoiceField(choices=Membership.EndKind.choices)
        ground = serializers.CharField(max_length=200)
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=Input, responses={200: MembershipOut})
    def post(self, request, pk):
        membership = selectors.access_membership(user=request.user, membership_id=pk)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_end(actor=request.user, membership=membership, **data.validated_data)
        return Response(MembershipOut(membership).data)


class HandoverIn(serializers.Serializer):
    """工作交接: the date, what was handed over, and the successor (a cadre the caller sees; none where the team keeps
    no successor)."""

    date = serializers.DateField()
    items = serializers.CharField(max_length=4000)
    successor = ScopedPK(selectors.cadre_list, required=False, allow_null=True, default=None)


class HandoverOut(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    cadre = serializers.IntegerField(source="membership.cadre_id")
    cadre_name = serializers.CharField(source="membership.cadre.name")
    successor_name = serializers.CharField(source="successor.name", default=None, allow_null=True)

    class Meta:
        model = Handover
        fields = ["id", "jurisdiction", "membership", "cadre", "cadre_name", "successor", "successor_name", "date",
                  "items", "recorded_by", "recorded_at"]


class MembershipHandoverApi(APIView):
    """POST memberships/{id}/handover/ → 201 the handover (曲江 art.19/26, 赣州 art.18 压茬交接)."""

    @extend_schema(request=HandoverIn, responses={201: HandoverOut})
    def post(self, request, pk):
        membership = selectors.access_membership(user=request.user, membership_id=pk)
        data = HandoverIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = data.validated_data
        handover = services.handover_record(actor=request.user, membership=membership, successor=v["successor"],
                                            day=v["date"], items=v["items"])
        return Response(HandoverOut(handover).data, status=status.HTTP_201_CREATED)


class CadreGroundsApi(APIView):
    """The grounds a membership may end on, per kind, from the policy in force (for forms)."""

    @extend_schema(responses={200: OBJECT})
    def get(self, request, pk):
        from django.utils import timezone

        from jurisdictions.policy import policy_in_force

        membership = selectors.access_membership(user=request.user, membership_id=pk)
        policy = policy_in_force(membership.team.jurisdiction, timezone.localdate())
        out = {}
        for kind in Membership.EndKind.values:
            grounds, ref = services.end_grounds(policy, kind)
            out[kind] = {"grounds": grounds, "rule_ref": ref}
        return Response(out)


# ---- personnel cases (issue 11): DESIGN.md "Contract, continued", personnel-cases/ ------------------------------

class CaseApprovalOut(serializers.Serializer):
    id = serializers.IntegerField()
    stage = serializers.IntegerField()
    role = serializers.CharField()
    role_label = serializers.SerializerMethodField()
    status = serializers.CharField()
    decided_by = serializers.CharField(source="decided_by.__str__", default=None, allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField()

    def get_role_label(self, obj) -> str:
        from leave.rules import role_label

        return role_label(obj.role, obj.case.jurisdiction.level)


class PersonnelCaseOut(serializers.Serializer):
    id = serializers.IntegerField()
    cadre = serializers.IntegerField(source="cadre_id")
    cadre_name = serializers.CharField(source="cadre.name")
    team = serializers.IntegerField(source="team_id")
    kind = serializers.CharField()
    ground = serializers.CharField()
    ground_code = serializers.CharField()
    ground_rule_ref = serializers.CharField()
    note = serializers.CharField()
    status = serializers.CharField()
    rule_ref = serializers.CharField()
    route_key = serializers.CharField()
    route_label = serializers.CharField()
    route_is_default = serializers.BooleanField()
    approvals = CaseApprovalOut(many=True)
    filings = serializers.SerializerMethodField()
    successor_required = serializers.BooleanField()
    successor = serializers.SerializerMethodField()
    flag = serializers.IntegerField(source="flag_id", allow_null=True)
    consequences = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)

    def get_filings(self, obj) -> list:
        return [{"role": f.role, "rule_ref": f.rule_ref, "filed_at": f.filed_at} for f in obj.filings.all()]

    def get_successor(self, obj) -> dict | None:
        return {"id": obj.successor_id, "name": obj.successor.name} if obj.successor_id else None

    def get_consequences(self, obj) -> list:
        return [{"kind": c.kind, "label": c.get_kind_display(), "until": c.until, "rule_ref": c.rule_ref}
                for c in obj.consequences.all()]


class PersonnelCaseIn(serializers.Serializer):
    cadre = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["recall", "adjustment", "replacement"])
    ground = serializers.CharField(max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    successor = serializers.IntegerField(required=False, allow_null=True, default=None)
    flag = serializers.IntegerField(required=False, allow_null=True, default=None)


def _case_out(request, case_id, status_code=200) -> Response:
    return Response(PersonnelCaseOut(selectors.access_personnel_case(user=request.user, case_id=case_id)).data,
                    status=status_code)


def flag_in_scope(user, flag_id):
    """A recall_candidate flag the user can see and no case has taken up (404 otherwise)."""
    from jurisdictions.scoping import get_in_scope

    return get_in_scope(selectors.recall_flag_queue(user=user), flag_id)


@extend_schema_view(get=extend_schema(parameters=[OpenApiParameter("mine", str, enum=["approver"]), id_param("cadre"),
                                                  OpenApiParameter("status", str)]))
class PersonnelCaseListApi(ListAPIView):
    serializer_class = PersonnelCaseOut

    def get_queryset(self):
        p = self.request.query_params
        if p.get("mine") == "approver":
            return selectors.case_approver_inbox(user=self.request.user)
        cadre = p.get("cadre")
        if cadre is not None and not cadre.isdigit():
            raise InvalidInput("cadre 应为整数。", code="bad_cadre")
        return selectors.personnel_case_list(user=self.request.user, cadre_id=int(cadre) if cadre else None,
                                             status=p.get("status") or None)

    @extend_schema(request=PersonnelCaseIn, responses={201: PersonnelCaseOut})
    def post(self, request):
        data = PersonnelCaseIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        v["cadre"] = selectors.access_cadre(user=request.user, cadre_id=v["cadre"])
        v["successor"] = selectors.access_cadre(user=request.user, cadre_id=v["successor"]) if v["successor"] else None
        v["flag"] = flag_in_scope(request.user, v["flag"]) if v["flag"] else None
        case = services.personnel_case_open(actor=request.user, **v)
        return _case_out(request, case.pk, status.HTTP_201_CREATED)


class PersonnelCaseDetailApi(APIView):
    @extend_schema(responses={200: PersonnelCaseOut})
    def get(self, request, pk):
        return _case_out(request, pk)


class CaseCommentIn(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class PersonnelCaseApproveApi(APIView):
    @extend_schema(request=CaseCommentIn, responses={200: PersonnelCaseOut})
    def post(self, request, pk):
        selectors.access_personnel_case(user=request.user, case_id=pk)  # 404 outside scope
        data = CaseCommentIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.personnel_case_approve(actor=request.user, case_id=int(pk), **data.validated_data)
        return _case_out(request, pk)


class PersonnelCaseRejectApi(APIView):
    class Input(serializers.Serializer):
        comment = serializers.CharField(max_length=2000)

    @extend_schema(request=Input, responses={200: PersonnelCaseOut})
    def post(self, request, pk):
        selectors.access_personnel_case(user=request.user, case_id=pk)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        services.personnel_case_reject(actor=request.user, case_id=int(pk), **data.validated_data)
        return _case_out(request, pk)


class PersonnelCaseSuccessorApi(APIView):
    """`{cadre, start_date, override_reason?}`: the successor joins the team; the case closes."""

    class Input(serializers.Serializer):
        cadre = serializers.IntegerField()
        start_date = serializers.DateField()
        override_reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=Input, responses={200: PersonnelCaseOut})
    def post(self, request, pk):
        selectors.access_personnel_case(user=request.user, case_id=pk)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        successor = selectors.access_cadre(user=request.user, cadre_id=v["cadre"])
        services.personnel_case_successor_join(actor=request.user, case_id=int(pk), successor=successor,
                                               start_date=v["start_date"], override_reason=v["override_reason"])
        return _case_out(request, pk)


class PersonnelCaseGroundsApi(APIView):
    """GET personnel-cases/grounds/?cadre=ID&kind=recall → [{code, label, rule_ref}]."""

    @extend_schema(parameters=[id_param("cadre", required=True),
                               OpenApiParameter("kind", str, required=True, enum=["recall", "adjustment", "replacement"])],
                   responses={200: ROWS})
    def get(self, request):
        from django.utils import timezone

        from jurisdictions.policy import policy_in_force

        from .rules import case_grounds

        cadre_id, kind = request.query_params.get("cadre", ""), request.query_params.get("kind", "")
        if not cadre_id.isdigit():
            raise InvalidInput("cadre 应为整数。", code="bad_cadre")
        if kind not in ("recall", "adjustment", "replacement"):
            raise InvalidInput("kind 应为 recall、adjustment 或 replacement。", code="bad_kind")
        cadre = selectors.access_cadre(user=request.user, cadre_id=int(cadre_id))
        return Response(case_grounds(policy_in_force(cadre.jurisdiction, timezone.localdate()), kind))


class CadreWarningApi(APIView):
    """POST cadres/{id}/warnings/ `{kind: criticism|admonition, date, note?}` (曲江 art.20)."""

    class Input(serializers.Serializer):
        kind = serializers.ChoiceField(choices=["criticism", "admonition"])
        date = serializers.DateField()
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=Input, responses={201: OBJECT})
    def post(self, request, pk):
        cadre = selectors.access_cadre(user=request.user, cadre_id=pk)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        w = services.cadre_warning_record(actor=request.user, cadre=cadre, kind=v["kind"], day=v["date"],
                                          note=v["note"])
        return Response({"id": w.id, "kind": w.kind, "date": w.date, "rule_ref": w.rule_ref},
                        status=status.HTTP_201_CREATED)
