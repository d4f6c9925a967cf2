"""Users with the editorial roles and posts with typical AI-draft defects, for the Django-level
quality tests."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from blog.models import Post
from editorial import roles
from tests.factories import make_post

CLEAN_BODY = (
    "## 背景\n\n"
    "生成AIを社内で試す段階を終え、日常業務の手順そのものに組み込もうとする企業が目立ち始めている。"
    "編集部が取材した各社では、議論の中心が「まず触ってみる」から「どの業務で誰がどう使うか」へと移っていた。\n\n"
    "## 評価の物差し\n\n"
    "評価の物差しを導入前に決める企業も増えた。回答までの時間、担当者が修正した割合、"
    "利用者の満足度の三つを月ごとに確認し、追加投資や撤退の判断に使っているという。\n"
)
DEFECTIVE_BODY = CLEAN_BODY + "\n---END---\n"


def user(username: str, role: str | None = None, **extra):
    account = get_user_model().objects.create_user(
        username, f"{username}@example.invalid", "pw-12345!", is_staff=True, **extra
    )
    if role:
        account.groups.add(Group.objects.get(name=role))
    return account


def writer(name="writer"):
    return user(name, roles.WRITER)


def editor(name="editor"):
    return user(name, roles.EDITOR)


def chief(name="chief"):
    return user(name, roles.CHIEF_EDITOR)


def approved_post(body: str = DEFECTIVE_BODY, **overrides) -> Post:
    fields = {
        "title": "生成AIの社内活用、試験導入から業務への組み込みへ",
        "status": Post.Status.APPROVED,
        "published_at": None,
        "body": body,
        "excerpt": "生成AIを試す段階を終え、業務の手順に組み込もうとする企業が増えている。取材で見えた変化を整理した。",
        "description": "生成AIの社内活用は試験導入から業務への組み込みへと進みつつあります。取材で見えた変化を整理します。",
    }
    fields.update(overrides)
    return make_post(**fields)
