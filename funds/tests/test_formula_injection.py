"""Issue 14, Excel formula injection: a payee or description starting with = + - @ is written to the funds ledger
export as text, never as a formula."""

from decimal import Decimal
from io import BytesIO

from django.test import Client
from openpyxl import load_workbook

from funds import services


def test_a_payee_and_description_starting_like_a_formula_are_written_to_the_ledger_as_text(leader, account):
    e = services.expenditure_create(actor=leader, account=account, amount=Decimal("100.00"), category="printing",
                                    payee="=1+1", description="@SUM(A1:A9)")
    c = Client()
    c.force_login(leader)
    ws = load_workbook(BytesIO(c.get(f"/funds/accounts/{account.id}/export.xlsx").content)).active
    assert not [cell.coordinate for row in ws.iter_rows() for cell in row if cell.data_type == "f"]
    line = next(row for row in ws.iter_rows() if row[0].value == e.id)
    assert (line[3].value, line[3].data_type, line[3].quotePrefix) == ("=1+1", "s", True)
    assert (line[5].value, line[5].data_type) == ("@SUM(A1:A9)", "s")
