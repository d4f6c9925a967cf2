"""Facts about the site itself, written once (from the old site's configuration and pages,
../shared/SITE.md): its six categories with their slugs, colours and dead old URLs, and the
slugs of its team bylines. The importer, the legacy redirects, the demo seed and the API all
read them from here. No Django, so logic modules may import it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CategoryInfo:
    name: str
    slug: str
    order: int
    gradient_start: str
    gradient_end: str
    accent: str
    campaign: str  # utm_campaign of the category's call to action on the old site
    old_names: tuple[str, ...] = ()
    dead_paths: tuple[str, ...] = ()  # old URLs that pointed nowhere: redirect them

    @property
    def path(self) -> str:
        return f"/category/{self.slug}/"


SITE_CATEGORIES: tuple[CategoryInfo, ...] = (
    CategoryInfo(
        "AI最新ニュース", "latest", 1, "#1A365D", "#0D9488", "#E6FFFA", "news",
        old_names=("最新動向",),
        dead_paths=("/category/ai最新ニュース/",),
    ),
    CategoryInfo(
        "AI技術ガイド", "tech", 2, "#0D9488", "#0A7A70", "#E6FFFA", "tech_guide",
        old_names=("技術解説",),
        dead_paths=("/category/ai技術ガイド/", "/AI技術ガイド/"),
    ),
    CategoryInfo(
        "AI導入戦略", "strategy", 3, "#1A365D", "#153052", "#C8DCFF", "strategy",
        old_names=("投資分析",),
        dead_paths=("/category/ai導入戦略/", "/category/投資分析/"),
    ),
    CategoryInfo(
        "業界別AI活用", "analysis", 4, "#0D9488", "#1A365D", "#E6FFFA", "industry",
        old_names=("業界分析", "industry"),
        dead_paths=("/category/industry/", "/category/業界別ai活用/"),
    ),
    CategoryInfo(
        "導入事例", "implementation", 5, "#1A365D", "#0D9488", "#FFFFFF", "case_study",
        old_names=("実装事例", "case-studies"),
        dead_paths=("/category/case-studies/", "/category/導入事例/", "/導入事例/"),
    ),
    CategoryInfo(
        "研究論文", "research", 6, "#153052", "#0D4744", "#C8E6FF", "research",
        dead_paths=("/category/研究論文/",),
    ),
)  # fmt: skip


def site_category(slug: str) -> CategoryInfo:
    """The site category with this slug (KeyError for any other slug)."""
    for info in SITE_CATEGORIES:
        if info.slug == slug:
            return info
    raise KeyError(slug)


# Slugs for the team bylines the old site used (SITE.md); others get a derived slug.
AUTHOR_SLUGS = {
    "ALLFORCES編集部": "editorial",
    "産業リサーチチーム": "industry-research-team",
    "戦略コンサルタント": "strategy-consultants",
    "テクニカルチーム": "tech-team",
    "リサーチチーム": "research-team",
}
