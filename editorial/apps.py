from django.apps import AppConfig


class EditorialConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "editorial"
    verbose_name = "編集ワークフロー"

    def ready(self) -> None:
        from editorial import admin_access, admin_quality, gate, quality

        # The workflow runs the gate before publishing and scheduling.
        gate.register(quality.gate_provider)
        # Stored reports go stale when the checks' configuration changes.
        quality.connect_settings_signals()
        # The quality panel on the post page, and the admin for rules and settings.
        admin_quality.install()
        # Role and permission changes of users and groups are written to the audit log.
        admin_access.install()
