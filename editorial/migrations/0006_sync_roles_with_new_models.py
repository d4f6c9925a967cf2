from django.contrib.auth.management import create_permissions
from django.db import migrations


def sync(apps, schema_editor):
    # Permissions of the models added since 0001 must exist before the roles can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    from editorial.roles import sync_roles

    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0005_merge_quality_and_api"),
        ("blog", "0004_merge_search_index_and_pages"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
