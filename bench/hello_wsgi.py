"""The baseline of bench/web.py: a bare Django hello-world, served by gunicorn exactly as the portal is.

    gunicorn bench.hello_wsgi -w 2 -b 127.0.0.1:8001
"""

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-hello-world-only",  # noqa: S106 - serves one constant page, no session, no database
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
    INSTALLED_APPS=[],
    DATABASES={},
)


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("", hello)]
django.setup()
application = get_wsgi_application()
