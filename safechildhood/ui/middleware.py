"""Turn the access policy's refusals into HTTP for every page, in one place: an object outside
the actor's scope is a 404 (its existence does not leak), one seen but not allowed a 403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from safechildhood.errors import Forbidden, NotFound


class PolicyRefusalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            raise Http404 from None
        if isinstance(exception, Forbidden):
            raise PermissionDenied from None
        return None
