from editorial.logic.diff import field_changes, inline_diff, side_by_side


def test_one_changed_character_in_a_long_japanese_line_is_marked_alone():
    old = "生成AIの導入は、試験段階から本格運用の段階へと移りつつある。"
    new = "生成AIの導入は、試験段階から本格運用の段階へと移っている。"
    left, right = inline_diff(old, new)
    assert "<del>りつつあ</del>" in left
    assert "<ins>ってい</ins>" in right
    assert left.startswith("生成AIの導入は")


def test_side_by_side_pairs_changed_lines_and_keeps_unchanged_ones():
    old = "一行目\n二行目の文章\n三行目"
    new = "一行目\n二行目の文面\n三行目\n四行目"
    rows = side_by_side(old, new, context=None)
    kinds = [row.kind for row in rows]
    assert kinds == ["equal", "replace", "equal", "insert"]
    assert rows[1].left_no == 2 and rows[1].right_no == 2
    assert "<del>章</del>" in rows[1].left_html and "<ins>面</ins>" in rows[1].right_html
    assert rows[3].right_html == "<ins>四行目</ins>"


def test_html_in_revisions_is_escaped():
    left, right = inline_diff("<b>a</b>", "<script>alert(1)</script>")
    assert "<script" not in right and "&lt;" in right
    assert "<b>" not in left


def test_long_unchanged_runs_are_collapsed_to_context():
    old = "\n".join(f"行{i}" for i in range(50))
    new = old.replace("行25", "行二十五")
    rows = side_by_side(old, new, context=2)
    assert [r.kind for r in rows] == ["skip", "equal", "equal", "replace", "equal", "equal", "skip"]


def test_field_changes_lists_only_differing_fields():
    assert field_changes({"title": "a", "body": "b"}, {"title": "a", "body": "c", "tags": []}) == [
        "body",
        "tags",
    ]
