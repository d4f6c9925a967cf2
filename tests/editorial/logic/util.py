"""Helpers for the quality-engine tests: build a Draft from a few fields, list what it finds."""

import datetime as dt

from editorial.logic.checks import Config, Draft, SiteContext, run_checks

JST = dt.timezone(dt.timedelta(hours=9))

# A paragraph of ordinary reporting prose, long enough (> 80 characters) to count as repeated.
PARAGRAPH_A = (
    "生成AIを社内で試す段階を終え、日常業務の手順そのものに組み込もうとする企業が目立ち始めている。"
    "編集部が取材した製造、小売、金融の各社では、議論の中心が「まず触ってみる」から"
    "「どの業務で誰がどう使うか」へと移っていた。"
)
PARAGRAPH_B = (
    "対象業務を絞ると、業務に合わせた指示文のひな形や参照する文書をあらかじめ用意できる。"
    "利用者が一から指示を考える必要がなくなり、使う人によって結果がばらつく問題も小さくなる。"
)
PARAGRAPH_C = (
    "評価の物差しを導入前に決める企業も増えた。回答までの時間、担当者が修正した割合、"
    "利用者の満足度の三つを月ごとに確認し、追加投資や撤退の判断に使っているという。"
)


def draft(**fields) -> Draft:
    defaults = {
        "title": "生成AIの社内活用、試験導入から業務への組み込みへ",
        "slug": "genai-production-shift",
        "excerpt": "生成AIを試す段階を終え、業務の手順に組み込もうとする企業が増えている。取材で見えた変化を整理した。",
        "description": "生成AIの社内活用は試験導入から業務への組み込みへと進みつつあります。対象業務の絞り込みと評価指標の事前設定という変化を整理します。",
        "body": f"{PARAGRAPH_A}\n\n## 対象業務を絞る\n\n{PARAGRAPH_B}\n\n## 評価指標を先に決める\n\n{PARAGRAPH_C}\n",
        "published_at": dt.datetime(2026, 2, 24, 10, 0, tzinfo=JST),
    }
    defaults.update(fields)
    return Draft(**defaults)


def findings(config: Config | None = None, context: SiteContext | None = None, **fields):
    return run_checks(draft(**fields), config or Config(), context or SiteContext())


def codes(config: Config | None = None, context: SiteContext | None = None, **fields) -> list[str]:
    return [f.code for f in findings(config, context, **fields)]


def only(code: str, config: Config | None = None, context: SiteContext | None = None, **fields):
    return [f for f in findings(config, context, **fields) if f.code == code]
