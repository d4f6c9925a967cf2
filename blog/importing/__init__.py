"""Import the old Jekyll site into posts, keeping every post, every URL and every link.

`blog.importing.run.import_jekyll_site()` does the work; `manage.py import_jekyll` only parses
options and prints the report. The pure rules (front matter, URLs, footer blocks, links) live in
`blog.logic.frontmatter` and `blog.logic.jekyll`; this package applies them to the database:
`scan` (files, URLs), `prepare` and `references` (one file into field values), `write` (one
post), `finish` (what needs every post), `report`, and `run`, which calls them in order.

How a run goes:

1. Scan: read `_config.yml` and every `_posts/**/*.md|markdown`, parse the front matter, and
   compute each file's URL as the old site served it. Files that cannot be parsed are reported
   (file, line, reason) and the rest goes on.
2. Assign URLs: when two files map to one URL, the later-dated one keeps it (as on the old
   site) and the other moves to its file-name date, flagged for review.
3. Posts: footer blocks become data, links to old URL forms are rewritten, and each post is
   created or updated in its own transaction. A post is matched to its file through
   `extra["import"]["source"]`; one whose `version` moved on since the import (an editor saved
   it) is never overwritten.
4. Related posts, redirects (old URL forms, dead category URLs) and the categories' calls to
   action, once every post exists.

Matching by `extra["import"]["source"]` rather than a dedicated column: a run reads all imported
posts once (one query) and matches them in memory, so an index would buy nothing, and the post
table keeps no column that only the migration uses. JSON key lookups
(`extra__import__source=...`) work on SQLite and PostgreSQL alike for ad-hoc queries.
"""
