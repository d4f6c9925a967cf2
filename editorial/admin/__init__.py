"""The editorial admin, one module per screen; importing the package registers them all.

- `posts`: the one Post admin, declared from the mixins of its features (blog's base, the
  post list, the desk, the quality panel) plus the workflow panel, history and diffs;
- `post_list`: the post list's columns, filters and bulk actions (a mixin of `posts`);
- `audit`: the audit log and notification settings;
- `access`: users and groups, with role changes written to the audit log;
- `screens`: the editor desk and the scheduled list.
The API's screens register from `editorial.api.admin`, the quality rules' from
`editorial.quality.admin`.
"""

from editorial.admin import access, audit, posts, screens  # noqa: F401  (registers)
from editorial.api import admin as api_admin  # noqa: F401  (registers)
from editorial.quality import admin as quality_admin  # noqa: F401  (registers)
