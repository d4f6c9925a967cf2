from django import template

from editorial.queues import counts_for

register = template.Library()


@register.simple_tag(takes_context=True)
def queue_counts(context):
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {}
    return counts_for(request.user)
