"""The draft ingestion API for the AI pipeline: `/api/v1/`, token-authenticated JSON.

Drafts enter the review workflow here and never go straight to production: the API can create
and update drafts and submit them for review, nothing more (docs/api.md).
"""
