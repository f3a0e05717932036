"""18-digit resident ID (GB 11643-1999): checksum ISO 7064 MOD 11-2, birth date, gender digit."""

from datetime import date

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"


def id_number_problems(id_number: str, *, birth_date: date | None = None, gender: str | None = None) -> list[str]:
    """Chinese messages; empty when the number is valid and matches the person."""
    n = (id_number or "").strip().upper()
    if len(n) != 18 or not n[:17].isdigit() or not (n[17].isdigit() or n[17] == "X"):
        return ["身份证号应为18位（前17位为数字，末位为数字或X）。"]
    total = sum(int(d) * w for d, w in zip(n[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != n[17]:
        return ["身份证号校验位不正确，请核对。"]
    try:
        born = date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        return ["身份证号中的出生日期无效。"]
    problems = []
    if birth_date and born != birth_date:
        problems.append(f"身份证号中的出生日期（{born:%Y-%m-%d}）与填写的出生日期不一致。")
    if gender and ("male" if int(n[16]) % 2 else "female") != gender:
        problems.append("身份证号中的性别与填写的性别不一致。")
    return problems


def with_check_digit(first17: str) -> str:
    """Complete a 17-digit prefix (demo data, tests)."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + _CHECK[total % 11]
