"""The WSGI entry point: gunicorn serves `config.wsgi` (README), runserver finds it through WSGI_APPLICATION.

Two Django handlers share the process (issue 15). A request to /api/ that carries an API token and no cookie, the
phone's check-in above all, goes through settings.API_TOKEN_MIDDLEWARE: the middleware a browser session, a form or an
HTML page needs (session, login, CSRF, messages, locale, CSP, Permissions-Policy, the lockout page, the refusal page)
has nothing to act on in such a request, and cost a fifth of the check-in's time. Everything else (every page, the
token request itself, an API call made with a browser session) goes through settings.MIDDLEWARE as before.
"""

import os

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class TokenApiHandler(WSGIHandler):
    """Django's WSGI handler, built with settings.API_TOKEN_MIDDLEWARE in place of settings.MIDDLEWARE. With no
    locale middleware, each request activates LANGUAGE_CODE itself: the thread may have served a page before."""

    def get_response(self, request):
        from django.conf import settings
        from django.utils import translation

        translation.activate(settings.LANGUAGE_CODE)
        return super().get_response(request)

    def load_middleware(self, is_async=False):
        from django.conf import settings

        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.API_TOKEN_MIDDLEWARE  # read only while the chain is built, at start-up
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


def is_token_api_request(environ) -> bool:
    """An API call authenticated by its token alone: under /api/, `Authorization: Token …`, no cookie at all (a
    cookie may carry a session, which only the full chain reads). The login endpoints (auth/…) keep the full chain
    whatever they carry: a password tried there must meet django-axes' lockout answer."""
    path = environ.get("PATH_INFO", "")
    return (path.startswith("/api/") and not path.startswith("/api/v1/auth/")
            and environ.get("HTTP_AUTHORIZATION", "")[:6].lower() == "token "
            and not environ.get("HTTP_COOKIE"))


def dispatcher(full, token_api):
    def application(environ, start_response):
        handler = token_api if is_token_api_request(environ) else full
        return handler(environ, start_response)

    return application


application = dispatcher(get_wsgi_application(), TokenApiHandler())
