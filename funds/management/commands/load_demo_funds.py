"""Demo working funds: for every active team, this year's account (the policy's figure where it names one),
one expenditure signed by both signers (approved) and one waiting for signatures. Through the services only.
Run after `load_demo`; running it again changes nothing."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from funds import services
from funds.models import FundAccount
from teams.models import Team


class Command(BaseCommand):
    help = "生成工作经费演示数据（账户、已双签与待签字支出）"

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        root = User.objects.filter(is_superuser=True).order_by("id").first()
        if root is None:
            self.stderr.write("请先运行 load_demo（需要一个超级用户）。")
            return
        year = timezone.localdate().year
        opened = 0
        for team in Team.objects.filter(ended_on__isnull=True).select_related(
                "jurisdiction", "host_unit", "host_unit__parent").order_by("id"):
            if FundAccount.objects.filter(team=team, year=year).exists():
                continue
            proposal = services.budget_proposal(team=team, year=year)
            account = services.account_open(actor=root, team=team, year=year,
                                            source=proposal.source or "county_finance",
                                            amount=proposal.amount or Decimal("10000.00"))
            opened += 1
            category = "publicity"
            approved = services.expenditure_create(actor=root, account=account, amount=Decimal("1280.00"),
                                                   category=category, payee="县城广告制作部",
                                                   description="乡村振兴政策宣传栏制作")
            signers = self._signers(team, approved.required_signers)
            if signers:
                for user in signers:
                    services.expenditure_sign(actor=user, expenditure=approved)
            services.expenditure_create(actor=root, account=account, amount=Decimal("560.00"), category="printing",
                                        payee="文印店", description="村情调查表印刷")
        self.stdout.write(self.style.SUCCESS(f"工作经费演示数据：新开账户{opened}个。"))

    def _signers(self, team, roles):
        """One distinct user per role, or None when a role has nobody (the expenditure then stays pending)."""
        User = get_user_model()
        chosen = []
        for role in roles:
            ids = sorted(services.signer_user_ids(team, [role]) - {u.pk for u in chosen})
            user = User.objects.filter(pk__in=ids, is_superuser=False).order_by("id").first()
            if user is None or not services.holds_signer_role(user, role, team):
                return None
            chosen.append(user)
        return chosen
