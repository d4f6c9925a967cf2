"""Signals about posts (blog never imports editorial; editorial imports this).

`post_saved` is sent by `Post.save()` once the row and its search document are written (inside
the save's transaction, before a moved URL's redirect): sender=Post, post, created,
update_fields (None for a full save), draw_card (False when the caller sees to the social card
itself, as the Jekyll import does). Receivers: the social card (blog.ogp.cards), then the
page cache (blog.cache), which must come last so that no page is cached before them.

`post_went_live` is sent once per post when it actually becomes public, whether published now
or reached by its scheduled time (sent then by `publish_scheduled`). Receivers do the go-live
side effects that belong to the public site: cache invalidation, the social card.
"""

from django.dispatch import Signal

post_saved = Signal()  # sender=Post, post=<Post>, created, update_fields, draw_card
post_went_live = Signal()  # sender=Post, post=<Post>
