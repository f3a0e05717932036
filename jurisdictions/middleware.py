"""Pages show a refusal that escaped a view (e.g. `no_policy` for a month before the regulation took effect)
as a Chinese page with the rule's article, never as a server error. API views render their own errors."""

from django.shortcuts import render

from .errors import PortalError


class PortalErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PortalError) or request.path.startswith("/api/"):
            return None
        return render(request, "jurisdictions/refused.html", {"error": exception}, status=exception.status)
