from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from blog.models import Post
from editorial import workflow


class Command(BaseCommand):
    help = "記事にワークフロー操作を実行します（権限・状態・品質チェックは管理画面と同じ）。"

    def add_arguments(self, parser):
        parser.add_argument("post_id", type=int)
        parser.add_argument("action", choices=sorted(workflow.TRANSITIONS))
        parser.add_argument("--user", required=True, help="操作するユーザー名")
        parser.add_argument("--note", default="")
        parser.add_argument("--when", default="", help="予約日時（日本時間, 例 2026-12-01T09:00）")
        parser.add_argument("--override-reason", default="")

    def handle(self, *args, post_id, action, user, note, when, override_reason, **options):
        try:
            post = Post.objects.get(pk=post_id)
            actor = get_user_model().objects.get(username=user)
        except (Post.DoesNotExist, get_user_model().DoesNotExist) as exc:
            raise CommandError(str(exc)) from None
        moment = workflow.parse_jst(when) if when else None
        if when and moment is None:
            raise CommandError(f"--when の形式が正しくありません: {when}")
        try:
            workflow.apply(
                post, action, by=actor, note=note, when=moment, override_reason=override_reason
            )
        except PermissionDenied as exc:
            raise CommandError(f"権限がありません: {exc}") from None
        except workflow.WorkflowError as exc:
            raise CommandError(exc.message) from None
        done = workflow.TRANSITIONS[action].done_message(f"「{post.title}」")
        self.stdout.write(self.style.SUCCESS(f"{done}（状態: {workflow.state_label(post)}）"))
