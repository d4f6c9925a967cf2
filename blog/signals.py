"""Signals other apps send about posts (blog never imports them; they import this).

`post_went_live` is sent once per post when it actually becomes public, whether published now
or reached by its scheduled time (sent then by `publish_scheduled`). Receivers do the go-live
side effects that belong to the public site: cache invalidation, the social card.
"""

from django.dispatch import Signal

post_went_live = Signal()  # sender=Post, post=<Post>
