# The review workflow's own tables (reviews, revisions, audit log) arrive with the workflow
# issue; roles live in editorial/roles.py and a data migration.
