from django.apps import AppConfig


class EditorialConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "editorial"
    verbose_name = "編集ワークフロー"

    def ready(self) -> None:
        from editorial import gate
        from editorial.quality import checking

        # The workflow runs the gate before publishing and scheduling.
        gate.register(checking.gate_provider, record=checking.gate_recorder)
        # Stored reports go stale when the checks' configuration changes.
        checking.connect_settings_signals()
