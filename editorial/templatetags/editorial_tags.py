from django import template

from editorial import workflow
from editorial.queues import dashboard_for

register = template.Library()


@register.filter
def state_label(post):
    """The post's state as editors read it (a scheduled post: 「予約」 with its time)."""
    return workflow.state_label(post)


@register.simple_tag(takes_context=True)
def dashboard(context):
    """The front page's tasks for the user, main task first (editorial.queues.dashboard_for)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return dashboard_for(request.user)
