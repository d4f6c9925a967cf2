"""The editorial app's models, one module per area (as Wagtail's `wagtail.models`):

- `workflow`: revisions, the audit log, review comments, share links, scheduled go-lives,
  notification preferences, autosave slots;
- `quality`: the quality checks' settings and each post's stored report;
- `api`: the AI pipeline's tokens, drafts, proposals and webhooks.

Django finds models through this package; code imports them from here.
"""

from editorial.models.api import (
    ApiToken,
    ExternalDraft,
    RevisionProposal,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from editorial.models.quality import (
    CheckSeverity,
    PostQualityReport,
    QualitySettings,
    Severity,
    StyleRule,
)
from editorial.models.workflow import (
    AuditEntry,
    AutosaveSlot,
    NotificationPreference,
    ReviewComment,
    Revision,
    ScheduledPublication,
    ShareLink,
)

__all__ = [
    "ApiToken",
    "AuditEntry",
    "AutosaveSlot",
    "CheckSeverity",
    "ExternalDraft",
    "NotificationPreference",
    "PostQualityReport",
    "QualitySettings",
    "ReviewComment",
    "Revision",
    "RevisionProposal",
    "ScheduledPublication",
    "Severity",
    "ShareLink",
    "StyleRule",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
