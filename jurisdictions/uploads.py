"""What an uploaded file really is (issue 14): the content decides, never the extension. A text file named `.jpg`,
HTML named `.png` or `.pdf` is refused. Callers store the file under a generated name (`generated_name`)."""

import uuid
import warnings

from PIL import Image

from .errors import InvalidInput

IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"}


def _head(upload, n: int = 32) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head


def image_kind(upload) -> str | None:
    """'.jpg' / '.png' / '.webp' / '.heic' when the bytes are such an image (Pillow opens and verifies it), else None."""
    head = _head(upload)
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return ".heic"  # phones' photos; Pillow cannot decode HEIC, the ISO-BMFF brand is checked instead
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as img:
                fmt = img.format
                img.verify()
    except Exception:  # noqa: BLE001 - any failure to parse means "not an image"
        return None
    finally:
        upload.seek(0)
    return IMAGE_FORMATS.get(fmt)


def is_pdf(upload) -> bool:
    head = _head(upload, 1024)
    return head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-") and b"<html" not in head.lower()


def checked_kind(upload, *, allowed: set[str], max_bytes: int, what: str, code: str = "bad_upload_content") -> str:
    """The real kind ('.pdf', '.jpg', ...) of `upload`, or InvalidInput (400) naming what is accepted."""
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        raise InvalidInput(f"{what}文件为空。", code="upload_empty")
    if size > max_bytes:
        raise InvalidInput(f"{what}文件不能超过{max_bytes // (1024 * 1024)}MB。", code="upload_too_large")
    kind = ".pdf" if ".pdf" in allowed and is_pdf(upload) else image_kind(upload)
    if kind not in allowed:
        names = "、".join(sorted(k.lstrip(".").upper() for k in allowed))
        raise InvalidInput(f"{what}内容不是 {names} 文件（按文件内容检查，不看扩展名）。", code=code)
    return kind


def generated_name(kind: str) -> str:
    return f"{uuid.uuid4().hex}{kind}"


XLSX_MAX_BYTES = 5 * 1024 * 1024  # the file as uploaded
XLSX_MAX_UNCOMPRESSED = 40 * 1024 * 1024  # all its XML parts together, checked before any parsing
XLSX_MAX_RATIO = 200  # a part that inflates more than this is a zip bomb, not a roster


def xlsx_problem(upload) -> str | None:
    """Why `upload` is not an .xlsx the portal will parse (a Chinese sentence), or None. Only the zip directory is
    read: size, OOXML structure ([Content_Types].xml, xl/workbook.xml) and decompressed sizes, before openpyxl."""
    import zipfile

    size = getattr(upload, "size", None) or 0
    if size > XLSX_MAX_BYTES:
        return f"文件不能超过{XLSX_MAX_BYTES // (1024 * 1024)}MB。"
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "无法读取文件，请上传 Excel（.xlsx）格式的文件。"
    finally:
        upload.seek(0)
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        return "无法读取文件，请上传 Excel（.xlsx）格式的文件。"
    total = sum(i.file_size for i in infos)
    if total > XLSX_MAX_UNCOMPRESSED or any(i.compress_size and i.file_size / i.compress_size > XLSX_MAX_RATIO
                                           and i.file_size > 1024 * 1024 for i in infos):
        return f"文件解压后过大（上限{XLSX_MAX_UNCOMPRESSED // (1024 * 1024)}MB），请只保留花名册数据。"
    return None


def excerpt(value, limit: int = 30) -> str:
    """At most `limit` characters of a user's value, for an error message."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + f"…（共{len(text)}字）"
