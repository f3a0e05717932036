"""Thin API views for cadres, teams and memberships (DESIGN.md contract)."""

from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from jurisdictions.apis import JurisdictionField, ScopedPK
from jurisdictions.errors import InvalidInput
from jurisdictions.models import DispatchUnit
from jurisdictions.selectors import dispatch_unit_list, org_unit_list

from . import roster, selectors, services
from .models import Cadre, Membership, Team


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
    station = serializers.CharField(source="station.name", default=None)
    has_login = serializers.SerializerMethodField()

    class Meta:
        model = Cadre
        fields = ["id", "jurisdiction", "name", "gender", "birth_date", "id_number", "party_status", "party_joined_on",
                  "work_started_on", "rank", "reserve_cadre", "category", "dispatch_unit", "dispatch_level", "phone",
                  "commute_km", "self_driving", "station", "has_login"]

    def get_has_login(self, obj) -> bool:
        return obj.user_id is not None


class CadreListApi(ListAPIView):
    serializer_class = CadreOut

    def get_queryset(self):
        p = self.request.query_params
        return selectors.cadre_list(user=self.request.user, search=p.get("q", ""))

    def post(self, request):
        data = CadreIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        jurisdiction = values.pop("jurisdiction")
        cadre = services.cadre_create(actor=request.user, jurisdiction=jurisdiction, data=values)
        return Response(CadreOut(cadre).data, status=status.HTTP_201_CREATED)


class CadreDetailApi(APIView):
    def get(self, request, pk):
        return Response(CadreOut(selectors.access_cadre(user=request.user, cadre_id=pk)).data)

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


class MembershipOut(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name")
    village_name = serializers.CharField(source="village.name", default=None)

    class Meta:
        model = Membership
        fields = ["id", "team", "cadre", "cadre_name", "role", "first_secretary", "village", "village_name",
                  "start_date", "planned_end", "term_rule_ref", "end_date", "end_kind", "end_ground",
                  "end_rule_ref"]


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
    member_count = serializers.IntegerField(source="active_count", default=None)

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

    def post(self, request):
        data = TeamIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        team = services.team_create(actor=request.user, **data.validated_data)
        team = selectors.access_team(user=request.user, team_id=team.pk)
        return Response(TeamDetailOut(team).data, status=status.HTTP_201_CREATED)


class TeamDetailApi(APIView):
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
    def get(self, request, pk):
        team = selectors.access_team(user=request.user, team_id=pk)
        return Response(MembershipOut(selectors.team_history(team=team), many=True).data)

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

    def post(self, request, pk):
        membership = selectors.access_membership(user=request.user, membership_id=pk)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_end(actor=request.user, membership=membership, **data.validated_data)
        return Response(MembershipOut(membership).data)


class CadreGroundsApi(APIView):
    """The grounds a membership may end on, per kind, from the policy in force (for forms)."""

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
