"""Thin API views for working funds (DESIGN.md contract: fund-accounts/, expenditures/)."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from jurisdictions.apis import ScopedPK
from jurisdictions.errors import InvalidInput
from teams.selectors import access_team, team_list

from . import selectors, services
from .models import Category, Expenditure, FundAccount, Source


@extend_schema_field(OpenApiTypes.INT)
class IdInScope(ScopedPK):
    """An integer id that must be in the caller's scope."""


def money(value) -> str:
    return f"{value:.2f}"


class AccountIn(serializers.Serializer):
    team = IdInScope(team_list)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    source = serializers.ChoiceField(choices=Source.choices)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True,
                                      default=None)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class AccountOut(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(slug_field="code", read_only=True)
    team_name = serializers.CharField(source="team.name")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    proposed_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    budget = serializers.SerializerMethodField()
    approved = serializers.SerializerMethodField()
    pending = serializers.SerializerMethodField()
    balance = serializers.SerializerMethodField()

    class Meta:
        model = FundAccount
        fields = ["id", "jurisdiction", "team", "team_name", "year", "source", "amount", "proposed_amount",
                  "budget_rule_ref", "note", "budget", "approved", "pending", "balance", "created_at"]

    def _totals(self, obj) -> dict:
        cache = self.context.setdefault("totals", {})
        if obj.pk not in cache:
            cache[obj.pk] = selectors.account_totals(obj)
        return cache[obj.pk]

    def get_budget(self, obj) -> str:
        return money(self._totals(obj)["budget"])

    def get_approved(self, obj) -> str:
        return money(self._totals(obj)["approved"])

    def get_pending(self, obj) -> str:
        return money(self._totals(obj)["pending"])

    def get_balance(self, obj) -> str:
        return money(self._totals(obj)["balance"])


class AccountDetailOut(AccountOut):
    budget_checks = serializers.SerializerMethodField()
    proposal = serializers.SerializerMethodField()

    class Meta(AccountOut.Meta):
        fields = AccountOut.Meta.fields + ["budget_checks", "proposal"]

    def _review(self, obj):
        if "review" not in self.context:
            self.context["review"] = services.account_review(obj)
        return self.context["review"]

    def get_budget_checks(self, obj) -> list:
        return [f.as_dict() for f in self._review(obj)[1]]

    def get_proposal(self, obj) -> dict:
        return self._review(obj)[0].as_dict()


@extend_schema_view(get=extend_schema(parameters=[OpenApiParameter("team", int), OpenApiParameter("year", int)]))
class AccountListApi(ListAPIView):
    serializer_class = AccountOut

    def get_queryset(self):
        p = self.request.query_params
        return selectors.account_list(user=self.request.user, team_id=_int(p.get("team")), year=_int(p.get("year")))

    @extend_schema(request=AccountIn, responses={201: AccountDetailOut})
    def post(self, request):
        data = AccountIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        account = services.account_open(actor=request.user, **data.validated_data)
        account = selectors.access_account(user=request.user, account_id=account.pk)
        return Response(AccountDetailOut(account).data, status=status.HTTP_201_CREATED)


class AccountUpdateIn(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, allow_null=True, default=None)


class AccountDetailApi(APIView):
    Input = AccountUpdateIn

    @extend_schema(responses=AccountDetailOut)
    def get(self, request, pk):
        return Response(AccountDetailOut(selectors.access_account(user=request.user, account_id=pk)).data)

    @extend_schema(request=AccountUpdateIn, responses=AccountDetailOut)
    def patch(self, request, pk):
        account = selectors.access_account(user=request.user, account_id=pk)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        services.account_update(actor=request.user, account=account, **data.validated_data)
        return Response(AccountDetailOut(selectors.access_account(user=request.user, account_id=pk)).data)


class AccountProposalApi(APIView):
    """GET ?team=ID&year=YYYY → the amount the policy names for the team that year, with its rule_ref."""

    @extend_schema(parameters=[OpenApiParameter("team", int, required=True),
                               OpenApiParameter("year", int, required=True)], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        team_id, year = _int(request.query_params.get("team")), _int(request.query_params.get("year"))
        if team_id is None or year is None or not 2000 <= year <= 2100:
            raise InvalidInput("请提供 team 和 year（YYYY）。", code="team_year_required")
        team = access_team(user=request.user, team_id=team_id)
        return Response(services.budget_proposal(team=team, year=year).as_dict() | {"team": team.pk, "year": year})


class SignatureOut(serializers.Serializer):
    role = serializers.CharField()
    user = serializers.IntegerField(source="user_id")
    user_name = serializers.CharField(source="user.__str__")
    signed_at = serializers.DateTimeField()


class ReceiptOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return f"/api/v1/expenditures/{obj.expenditure_id}/receipts/{obj.id}/"


class ExpenditureOut(serializers.ModelSerializer):
    team = serializers.IntegerField(source="account.team_id")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    signatures = serializers.SerializerMethodField()
    receipts = serializers.SerializerMethodField()

    class Meta:
        model = Expenditure
        fields = ["id", "account", "team", "amount", "category", "payee", "description", "status",
                  "required_signers", "signers_rule_ref", "signers_default", "signatures", "warnings", "revision",
                  "reject_reason", "rejected_by", "decided_at", "receipts", "created_by", "created_at"]

    def get_signatures(self, obj) -> list:
        rows = getattr(obj, "live_signatures", None)
        if rows is None:
            rows = obj.signature_rows.filter(voided_at__isnull=True).select_related("user")
        return SignatureOut(rows, many=True).data

    def get_receipts(self, obj) -> list:
        return ReceiptOut(obj.receipts.all(), many=True).data


def _expenditure_out(request, pk) -> dict:
    return ExpenditureOut(selectors.access_expenditure(user=request.user, expenditure_id=pk)).data


class ExpenditureIn(serializers.Serializer):
    account = IdInScope(lambda user: selectors.account_list(user=user))
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    category = serializers.ChoiceField(choices=Category.choices)
    payee = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ExpenditureListApi(ListAPIView):
    """GET ?account=ID&status=… or ?mine=signer (what waits for my signature); POST creates."""

    serializer_class = ExpenditureOut

    @extend_schema(parameters=[OpenApiParameter("account", int), OpenApiParameter("status", str),
                               OpenApiParameter("mine", str, enum=["signer"])])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        p = self.request.query_params
        if p.get("mine") == "signer":
            return selectors.awaiting_my_signature(user=self.request.user)
        return selectors.expenditure_list(user=self.request.user, account_id=_int(p.get("account")),
                                          status=p.get("status") or None)

    @extend_schema(request=ExpenditureIn, responses={201: ExpenditureOut})
    def post(self, request):
        data = ExpenditureIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        expenditure = services.expenditure_create(actor=request.user, **data.validated_data)
        return Response(_expenditure_out(request, expenditure.pk), status=status.HTTP_201_CREATED)


class ExpenditureDetailApi(APIView):
    @extend_schema(responses=ExpenditureOut)
    def get(self, request, pk):
        return Response(_expenditure_out(request, pk))

    @extend_schema(request=ExpenditureIn(partial=True), responses=ExpenditureOut)
    def patch(self, request, pk):
        expenditure = selectors.access_expenditure(user=request.user, expenditure_id=pk)
        data = ExpenditureIn(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        services.expenditure_update(actor=request.user, expenditure=expenditure, data=dict(data.validated_data))
        return Response(_expenditure_out(request, pk))


class SignIn(serializers.Serializer):
    role = serializers.CharField(required=False, allow_null=True, default=None)
    revision = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)


@extend_schema_serializer(component_name="ExpenditureRejectIn")
class RejectIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ExpenditureSignApi(APIView):
    Input = SignIn

    @extend_schema(request=SignIn, responses=ExpenditureOut)
    def post(self, request, pk):
        expenditure = selectors.access_expenditure(user=request.user, expenditure_id=pk)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        services.expenditure_sign(actor=request.user, expenditure=expenditure, **data.validated_data)
        return Response(_expenditure_out(request, pk))


class ExpenditureRejectApi(APIView):
    Input = RejectIn

    @extend_schema(request=RejectIn, responses=ExpenditureOut)
    def post(self, request, pk):
        expenditure = selectors.access_expenditure(user=request.user, expenditure_id=pk)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        services.expenditure_reject(actor=request.user, expenditure=expenditure, reason=data.validated_data["reason"])
        return Response(_expenditure_out(request, pk))


class ReceiptListApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=ReceiptOut(many=True))
    def get(self, request, pk):
        expenditure = selectors.access_expenditure(user=request.user, expenditure_id=pk)
        return Response(ReceiptOut(expenditure.receipts.all(), many=True).data)

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}}}, responses=ReceiptOut)
    def post(self, request, pk):
        expenditure = selectors.access_expenditure(user=request.user, expenditure_id=pk)
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput("请上传票据文件（字段名 file）。", code="file_required")
        receipt = services.receipt_add(actor=request.user, expenditure=expenditure, upload=upload)
        return Response(ReceiptOut(receipt).data, status=status.HTTP_201_CREATED)


class ReceiptFileApi(APIView):
    # the stored type of the receipt (funds.services.RECEIPT_TYPES), octet-stream for one without
    @extend_schema(responses={(200, t): OpenApiTypes.BINARY for t in ("application/pdf", "image/jpeg", "image/png",
                                                                      "application/octet-stream")})
    def get(self, request, pk, rid):
        receipt = selectors.access_receipt(user=request.user, expenditure_id=pk, receipt_id=rid)
        return FileResponse(receipt.file.open("rb"), content_type=receipt.content_type or "application/octet-stream",
                            as_attachment=False, filename=receipt.name)


def _int(raw):
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        raise InvalidInput("参数应为整数。", code="bad_param") from None
