"""The table of contents as a tree: subheadings nest under their heading (no Django)."""

from blog.logic.toc import TocItem, nest_toc


def entries(*levels_and_titles):
    return [
        {"level": level, "id": f"h-{title}", "title": title} for level, title in levels_and_titles
    ]


def outline(items: list[TocItem], depth: int = 0) -> list[tuple[int, str, str]]:
    """(depth, label, title) of every item, depth first."""
    rows = []
    for item in items:
        rows.append((depth, item.label, item.title))
        rows.extend(outline(item.children, depth + 1))
    return rows


def test_h3_entries_nest_under_their_h2_and_h2_are_numbered_one_two_three():
    toc = nest_toc(entries((2, "はじめに"), (2, "費用"), (3, "内訳"), (3, "税"), (2, "まとめ")))
    assert outline(toc) == [
        (0, "1.", "はじめに"),
        (0, "2.", "費用"),
        (1, "2.1", "内訳"),
        (1, "2.2", "税"),
        (0, "3.", "まとめ"),
    ]
    assert [item.id for item in toc] == ["h-はじめに", "h-費用", "h-まとめ"]
    assert [child.level for child in toc[1].children] == [3, 3]


def test_subheadings_before_the_first_heading_are_listed_unnumbered_first():
    toc = nest_toc(entries((3, "前置き"), (2, "一"), (3, "一の細目"), (2, "二")))
    assert outline(toc) == [
        (0, "", "前置き"),
        (0, "1.", "一"),
        (1, "1.1", "一の細目"),
        (0, "2.", "二"),
    ]
    assert toc[0].numbered is False and toc[1].numbered is True


def test_a_skipped_level_nests_one_step_down_not_two():
    toc = nest_toc(entries((2, "一"), (4, "深い"), (3, "中"), (2, "二"), (4, "二の深い")))
    assert outline(toc) == [
        (0, "1.", "一"),
        (1, "1.1", "深い"),
        (1, "1.2", "中"),
        (0, "2.", "二"),
        (1, "2.1", "二の深い"),
    ]


def test_three_levels_number_down_the_branch():
    toc = nest_toc(entries((2, "一"), (3, "中"), (4, "小"), (4, "小2"), (3, "中2")))
    assert outline(toc) == [
        (0, "1.", "一"),
        (1, "1.1", "中"),
        (2, "1.1.1", "小"),
        (2, "1.1.2", "小2"),
        (1, "1.2", "中2"),
    ]


def test_an_article_of_subheadings_only_numbers_them_at_the_top():
    toc = nest_toc(entries((3, "甲"), (3, "乙")))
    assert outline(toc) == [(0, "1.", "甲"), (0, "2.", "乙")]


def test_no_entries_no_items():
    assert nest_toc([]) == []
