"""What the schema alone does not give: the search index's database-specific half (FTS5 on
SQLite, a generated tsvector column on PostgreSQL) and the site pages a new site starts with."""

from django.conf import settings
from django.db import migrations

from blog.logic.search_tokens import unique_tokens

# --- Search index: the database-specific half (the table itself is the SearchDocument model).

PG_FORWARD = [
    # A generated column: Django inserts the tokens, PostgreSQL keeps the tsvector in step.
    # array_to_tsvector takes the tokens as they are (no parser, no locale, no stemming).
    """ALTER TABLE blog_searchdocument ADD COLUMN vector tsvector
       GENERATED ALWAYS AS (array_to_tsvector(string_to_array(tokens, ' '))) STORED""",
    "CREATE INDEX blog_searchdocument_vector ON blog_searchdocument USING gin (vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS blog_searchdocument_vector",
    "ALTER TABLE blog_searchdocument DROP COLUMN IF EXISTS vector",
]
SQLITE_FORWARD = [
    # External content: FTS5 indexes the rows of blog_searchdocument without copying them;
    # the triggers keep the index in step with every insert, update and delete (flush too).
    """CREATE VIRTUAL TABLE blog_search_fts USING fts5(
         title_tokens, tokens, content='blog_searchdocument', content_rowid='post_id',
         detail='column')""",
    """CREATE TRIGGER blog_search_fts_ai AFTER INSERT ON blog_searchdocument BEGIN
         INSERT INTO blog_search_fts(rowid, title_tokens, tokens)
         VALUES (new.post_id, new.title_tokens, new.tokens);
       END""",
    """CREATE TRIGGER blog_search_fts_ad AFTER DELETE ON blog_searchdocument BEGIN
         INSERT INTO blog_search_fts(blog_search_fts, rowid, title_tokens, tokens)
         VALUES ('delete', old.post_id, old.title_tokens, old.tokens);
       END""",
    """CREATE TRIGGER blog_search_fts_au AFTER UPDATE ON blog_searchdocument BEGIN
         INSERT INTO blog_search_fts(blog_search_fts, rowid, title_tokens, tokens)
         VALUES ('delete', old.post_id, old.title_tokens, old.tokens);
         INSERT INTO blog_search_fts(rowid, title_tokens, tokens)
         VALUES (new.post_id, new.title_tokens, new.tokens);
       END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS blog_search_fts_au",
    "DROP TRIGGER IF EXISTS blog_search_fts_ad",
    "DROP TRIGGER IF EXISTS blog_search_fts_ai",
    "DROP TABLE IF EXISTS blog_search_fts",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def create_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, PG_FORWARD)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    else:
        raise RuntimeError(f"search index: unsupported database {vendor}")
    # Posts that exist already (an upgrade) get their documents now.
    Post = apps.get_model("blog", "Post")
    SearchDocument = apps.get_model("blog", "SearchDocument")
    for post in Post.objects.only("pk", "title", "excerpt", "body_text").iterator(chunk_size=200):
        SearchDocument.objects.create(
            post_id=post.pk,
            title_tokens=" ".join(unique_tokens(post.title)),
            tokens=" ".join(unique_tokens(f"{post.title} {post.excerpt} {post.body_text}")),
        )


def drop_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, PG_BACKWARD if vendor == "postgresql" else SQLITE_BACKWARD)


# --- Seeded site pages (editable in the admin afterwards).

def _pages(site_name):
    return [
        {
            "path": "/about/",
            "title": f"{site_name}について",
            "description": f"{site_name}の編集方針と運営者について。",
            "body": (
                f"{site_name}は、AI導入・生成AI・LLM活用を扱う専門メディアです。"
                "国内外の動向、技術の解説、導入の進め方と事例を、編集部が取材と公開情報をもとに"
                "客観的にお伝えします。\n\n"
                "## 運営者\n\n"
                "ALLFORCES\n\n"
                "## 編集方針\n\n"
                "記事は編集部のレビューを経て公開します。誤りを見つけた場合は訂正し、"
                "記事内に更新日を示します。"
            ),
        },
        {
            "path": "/privacy/",
            "title": "プライバシーポリシー",
            "description": f"{site_name}における個人情報とアクセス情報の取り扱い。",
            "body": (
                "## アクセス情報\n\n"
                "サーバーはアクセスの記録（日時、ページ、ブラウザの種類など）を、"
                "不正アクセスの防止と障害対応のために一定期間保存します。\n\n"
                "## Cookie\n\n"
                "読者向けのページは、閲覧の追跡を目的とした Cookie を使いません。\n\n"
                "## アフィリエイトプログラム\n\n"
                "本サイトはAmazonアソシエイト・プログラムに参加しています。Amazonへのリンクを"
                "経由した購入について、Amazonが Cookie などを使って紹介元を記録することがあります。"
            ),
        },
        {
            "path": "/ad-policy/",
            "title": "広告ポリシー",
            "description": f"{site_name}の広告とアフィリエイトリンクの取り扱い。",
            "body": (
                f"{site_name}は、記事の一部でアフィリエイト広告（Amazonアソシエイト）を"
                "利用しています。\n\n"
                "## 表示の方針\n\n"
                "- アフィリエイトリンクを含む記事では、最初のリンクより前に"
                "その旨を表示します。\n"
                "- 書籍などの紹介枠には「PR」と表示します。\n"
                "- 広告の有無が記事の評価や内容を左右することはありません。"
                "紹介する商品は編集部が内容をもとに選んでいます。\n\n"
                "## お問い合わせ\n\n"
                "広告に関するお問い合わせは運営者までご連絡ください。"
            ),
        },
        {
            "path": "/amazon-associates/",
            "title": "Amazonアソシエイトについて",
            "description": "Amazonアソシエイト・プログラムの参加表明。",
            "body": (
                f"Amazonのアソシエイトとして、{site_name}は適格販売により収入を得ています。"
                "\n\n"
                f"{site_name}は、Amazon.co.jpを宣伝しリンクすることによってサイトが紹介料を"
                "獲得できる手段を提供することを目的に設定されたアフィリエイトプログラムである、"
                "Amazonアソシエイト・プログラムの参加者です。"
            ),
        },
    ]


def seed_pages(apps, schema_editor):
    from blog.logic.rendering import render_markdown

    Page = apps.get_model("blog", "Page")
    for row in _pages(settings.SITE_NAME):
        if not Page.objects.filter(path=row["path"]).exists():
            Page.objects.create(**row, body_html=render_markdown(row["body"]).html)


class Migration(migrations.Migration):
    dependencies = [("blog", "0001_initial")]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index),
        migrations.RunPython(seed_pages, migrations.RunPython.noop),
    ]
