"""Template tags: ``{% can "pupil.view" obj as allowed %}`` asks the access policy."""

from django import template

from safechildhood.access.policy import Action
from safechildhood.access.policy import can as policy_can

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action: str, obj=None) -> bool:
    request = context.get("request")
    actor = getattr(request, "actor", None)
    return policy_can(actor, Action(action), obj)


@register.simple_tag(takes_context=True)
def query_transform(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()
