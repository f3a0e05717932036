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
