"""User text written to Excel (issue 14, formula injection): a value starting with = + - @ (or a tab/CR) is stored
as a text cell, never as a formula, and Excel keeps it text when the cell is edited (quote prefix)."""

from openpyxl.cell import WriteOnlyCell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_text(ws, value):
    """`value` unchanged unless it is text that Excel could read as a formula: then a text cell for `ws.append`
    (works for write-only and ordinary worksheets). Cheap on the common path: no cell object is made."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell = WriteOnlyCell(ws, value=None)
        cell._value = value
        cell.data_type = "s"
        cell.style = "Normal"  # gives the cell its own style array
        cell._style.quotePrefix = 1
        return cell
    return value


def excel_row(ws, values):
    return [excel_text(ws, v) for v in values]
