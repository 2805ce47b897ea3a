"""The three commands end to end on small CSV files, and their errors for unusable input."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from xinfang.insight.tests.test_dedup import ORIGINAL, RESUBMITTED, SAME_STREET_OTHER_MATTER, SAME_STREET_THIRD
from xinfang.insight.tests.test_hot import MIXER, OTHERS
from xinfang.insight.tests.test_routing import corpus


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_routing_train_and_predict(write_csv, tmp_path):
    train = write_csv(
        "train.csv", ["id", "title", "text", "label"], [[m.id, m.title, m.text, m.label] for m in corpus()]
    )
    test = write_csv(
        "test.csv",
        ["id", "title", "text"],
        [["n1", "拖欠工资", "公司拖欠工资和社保"], ["n2", "公交站点", "公交线路站点太远"]],
    )
    model, pred = tmp_path / "model", tmp_path / "pred.csv"
    call_command("routing", "train", "--data", str(train), "--model", str(model), "--unlabelled", str(test))
    call_command("routing", "predict", "--model", str(model), "--data", str(test), "--output", str(pred))
    rows = _rows(pred)
    assert list(rows[0]) == ["id", "label", "confidence"]
    assert [(r["id"], r["label"]) for r in rows] == [("n1", "劳动和社会保障"), ("n2", "交通运输")]
    assert all(0 < float(r["confidence"]) <= 1 for r in rows)
    call_command(
        "routing", "predict", "--model", str(model), "--data", str(test), "--output", str(pred), "--top-k", "2"
    )
    assert list(_rows(pred)[0]) == ["id", "label", "confidence", "label_2", "confidence_2"]


def test_routing_train_reports_an_unseen_category(write_csv, tmp_path):
    rows = [[m.id, m.title, m.text, m.label] for m in corpus()]
    rows[4][3] = "教育体育"  # a typo of a category: line 6 of the file
    train = write_csv("train.csv", ["id", "title", "text", "label"], rows)
    taxonomy = write_csv(
        "tax.csv",
        ["level1", "level2", "level3"],
        [[label, "x", "y"] for label in ("教育文体", "劳动和社会保障", "交通运输")],
    )
    with pytest.raises(CommandError, match=r"unseen category “教育体育”.*line 6"):
        call_command(
            "routing", "train", "--data", str(train), "--model", str(tmp_path / "m"), "--taxonomy", str(taxonomy)
        )


def test_routing_refuses_a_malformed_row_naming_its_line(write_csv, tmp_path):
    train = write_csv("train.csv", ["id", "title", "text", "label"], [["1", "t", "x", "教育文体"], ["2", "t", "x"]])
    with pytest.raises(CommandError, match=r"train.csv, line 3: expected 4 fields"):
        call_command("routing", "train", "--data", str(train), "--model", str(tmp_path / "m"))
    empty = write_csv("test.csv", ["id", "title", "text"], [["1", "t", "x"], ["", "", ""]])
    with pytest.raises(CommandError, match=r"test.csv, line 3: empty row"):
        call_command("routing", "predict", "--model", str(tmp_path / "m"), "--data", str(empty), "--output", "x.csv")


def test_routing_cold_start_then_predict(write_csv, tmp_path):
    taxonomy = write_csv(
        "tax.csv",
        ["level1", "level2", "level3"],
        [["劳动和社会保障", "工资福利", "拖欠工资"], ["交通运输", "城市交通", "公交线路"]],
    )
    test = write_csv("test.csv", ["id", "title", "text"], [["a", "拖欠工资", "老板拖欠工资"]])
    call_command("routing", "coldstart", "--taxonomy", str(taxonomy), "--model", str(tmp_path / "cold"))
    call_command(
        "routing",
        "predict",
        "--model",
        str(tmp_path / "cold"),
        "--data",
        str(test),
        "--output",
        str(tmp_path / "p.csv"),
    )
    assert _rows(tmp_path / "p.csv")[0]["label"] == "劳动和社会保障"


def test_near_duplicates_writes_one_row_per_pair(write_csv, tmp_path):
    data = write_csv(
        "m.csv",
        ["id", "user", "time", "title", "text"],
        [
            ["b", "U1", "2019/12/02 10:00:00", "再次投诉搅拌站", RESUBMITTED],
            ["a", "U1", "2019/11/02 10:00:00", "搅拌站噪音扰民", ORIGINAL],
            ["c", "U2", "2019/11/03 10:00:00", "路灯不亮", SAME_STREET_OTHER_MATTER],
            ["d", "U3", "2019/11/04 10:00:00", "占道经营", SAME_STREET_THIRD],
            ["e", "U4", "2019/11/05 10:00:00", "反对搅拌站", ORIGINAL],
        ],
    )
    out = tmp_path / "pairs.csv"
    call_command("near_duplicates", "--data", str(data), "--output", str(out))
    rows = _rows(out)
    assert list(rows[0]) == ["id_a", "id_b", "similarity"]
    assert sorted((r["id_a"], r["id_b"]) for r in rows) == [("a", "b"), ("a", "e"), ("e", "b")]
    call_command("near_duplicates", "--data", str(data), "--output", str(out), "--same-petitioner")
    same = {(r["id_a"], r["id_b"]): r["same_petitioner"] for r in _rows(out)}
    assert same[("a", "b")] == "1" and same[("a", "e")] == "0"


def test_near_duplicates_refuses_a_bad_file(write_csv, tmp_path):
    data = write_csv("m.csv", ["id", "title"], [["1", "t"]])
    with pytest.raises(CommandError, match="missing columns: text"):
        call_command("near_duplicates", "--data", str(data), "--output", str(tmp_path / "p.csv"))


def test_hot_issues_writes_both_files(write_csv, tmp_path):
    rows = [[f"m{i}", f"U{i}", f"2019/11/0{i + 1} 09:00:00", t, x, str(i), "0"] for i, (t, x) in enumerate(MIXER)]
    rows += [[f"o{i}", f"V{i}", f"2019/11/0{i + 1} 10:00:00", t, x, "0", "0"] for i, (t, x) in enumerate(OTHERS)]
    data = write_csv("m.csv", ["id", "user", "time", "title", "text", "likes", "against"], rows)
    out = tmp_path / "hot"
    call_command("hot_issues", "--data", str(data), "--top", "2", "--output", str(out))
    issues = _rows(out / "hot_issues.csv")
    assert list(issues[0]) == ["rank", "issue_id", "heat", "time_range", "place_people", "description"]
    assert len(issues) == 2 and issues[0]["rank"] == "1"
    assert issues[0]["place_people"].startswith("A市A2区丽发新城")
    links = _rows(out / "hot_issue_messages.csv")
    assert list(links[0]) == ["issue_id", "message_id"]
    assert sorted(r["message_id"] for r in links if r["issue_id"] == issues[0]["issue_id"]) == ["m0", "m1", "m2", "m3"]
    call_command("hot_issues", "--data", str(data), "--top", "5", "--output", str(out), "--until", "2019-11-01")
    assert {r["message_id"] for r in _rows(out / "hot_issue_messages.csv")} == {"m0", "o0"}
