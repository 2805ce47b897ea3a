"""CSV input: every unusable row is refused with its line number and what is wrong."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.insight.core.records import RecordError, parse_time, read_messages


def test_a_good_file_is_read_with_optional_columns(write_csv):
    path = write_csv(
        "m.csv",
        ["id", "user", "time", "title", "text", "likes", "against"],
        [
            ["1", "U1", "2019/7/3 9:05:00", "标题", "正文", "3", "1"],
            ["2", "", "2019-08-01 10:00:00", "", "正文", "", ""],
        ],
    )
    first, second = read_messages(path)
    assert (first.id, first.user, first.votes, first.line) == ("1", "U1", 4, 2)
    assert first.time == dt.datetime(2019, 7, 3, 9, 5)  # noqa: DTZ001
    assert second.time == dt.datetime(2019, 8, 1, 10)  # noqa: DTZ001
    assert second.title == ""


def test_an_empty_row_is_refused_naming_its_line(write_csv):
    path = write_csv("m.csv", ["id", "title", "text"], [["1", "标题", "正文"], ["", "", ""], ["3", "标题", "正文"]])
    with pytest.raises(RecordError, match=r"line 3: empty row"):
        read_messages(path)


def test_a_row_with_missing_fields_is_refused_naming_its_line(write_csv):
    path = write_csv("m.csv", ["id", "title", "text"], [["1", "标题", "正文"], ["2", "只有标题"]])
    with pytest.raises(RecordError, match=r"line 3: expected 3 fields \(id,title,text\), found 2"):
        read_messages(path)


def test_a_message_without_title_or_text_is_refused(write_csv):
    path = write_csv("m.csv", ["id", "title", "text"], [["7", " ", ""]])
    with pytest.raises(RecordError, match=r"line 2: message 7 has neither title nor text"):
        read_messages(path)


def test_a_missing_label_is_refused_when_training(write_csv):
    path = write_csv(
        "m.csv", ["id", "title", "text", "label"], [["1", "标题", "正文", "教育文体"], ["2", "t", "x", ""]]
    )
    with pytest.raises(RecordError, match=r"line 3: message 2 has no label"):
        read_messages(path, require_label=True)


def test_missing_columns_are_named(write_csv):
    path = write_csv("m.csv", ["id", "text"], [["1", "正文"]])
    with pytest.raises(RecordError, match=r"line 1: missing columns: title"):
        read_messages(path)


def test_repeated_ids_name_both_lines(write_csv):
    path = write_csv("m.csv", ["id", "title", "text"], [["1", "a", "b"], ["1", "c", "d"]])
    with pytest.raises(RecordError, match=r"line 3: id 1 repeats the id of line 2"):
        read_messages(path)


def test_line_numbers_count_quoted_line_breaks(write_csv):
    path = write_csv("m.csv", ["id", "title", "text"], [["1", "标题", "第一行\n第二行\n第三行"], ["2", "", ""]])
    with pytest.raises(RecordError, match=r"line 5: message 2"):
        read_messages(path)


def test_bad_time_and_bad_encoding_are_explained(write_csv, tmp_path):
    path = write_csv("m.csv", ["id", "title", "text", "time"], [["1", "标题", "正文", "yesterday"]])
    with pytest.raises(RecordError, match=r"line 2: message 1: cannot read the time"):
        read_messages(path)
    latin = tmp_path / "gbk.csv"
    latin.write_bytes("id,title,text\n1,标题,正文\n".encode("gbk"))
    with pytest.raises(RecordError, match="not UTF-8"):
        read_messages(latin)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(RecordError, match="the file is empty"):
        read_messages(empty)


def test_parse_time_accepts_the_board_formats():
    assert parse_time("2019/1/2") == dt.datetime(2019, 1, 2)  # noqa: DTZ001
    assert parse_time("2019-12-31 23:59") == dt.datetime(2019, 12, 31, 23, 59)  # noqa: DTZ001
    assert parse_time(" ") is None
