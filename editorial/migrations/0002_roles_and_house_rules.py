"""The editorial roles (執筆者, 編集者, 編集長) with their permissions, the house style rules and
the quality settings' single row."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# The site's voice rule (SITE.md): the first person is 「編集部では」「取材によると」.
VOICE_MESSAGE = (
    "一人称「{match}」は使えません。当サイトの一人称は「編集部では」「取材によると」です。"
)
HOUSE_RULES = [
    {"key": "voice-watashi-ga", "name": "一人称「私が」", "pattern": "私が", "order": 1},
    {"key": "voice-boku-ga", "name": "一人称「僕が」", "pattern": "僕が", "order": 2},
]


def seed(apps, schema_editor):
    StyleRule = apps.get_model("editorial", "StyleRule")
    for rule in HOUSE_RULES:
        StyleRule.objects.get_or_create(
            key=rule["key"],
            defaults={
                "name": rule["name"],
                "pattern": rule["pattern"],
                "is_regex": False,
                "message": VOICE_MESSAGE,
                "severity": "error",
                "replacement": "編集部では",
                "order": rule["order"],
            },
        )
    apps.get_model("editorial", "QualitySettings").objects.get_or_create(pk=1)
    # Give the role groups the new models' permissions (created here, not after migrate).
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    from editorial.roles import sync_roles

    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def unseed(apps, schema_editor):
    apps.get_model("editorial", "StyleRule").objects.filter(
        key__in=[r["key"] for r in HOUSE_RULES]
    ).delete()
    from editorial.roles import ROLE_PERMISSIONS

    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("blog", "0002_search_index_and_pages"),
        ("editorial", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
