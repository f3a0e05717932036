"""Where duty files (reports, certificates) are kept: outside MEDIA_ROOT, which the front server publishes at /media/.
They are served only through `duty_record_file`, which checks the reader's scope."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage():
    root = os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT") or getattr(settings, "PRIVATE_MEDIA_ROOT", None) or \
        os.path.join(os.path.dirname(str(settings.MEDIA_ROOT)), "private_media")
    return FileSystemStorage(location=root, base_url=None)
