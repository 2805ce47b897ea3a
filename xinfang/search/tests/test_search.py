"""Full-text Chinese search (issue 11, Build 4): words found by jieba segmentation through the database's
full-text index, phrases, 编号 and phone, ranked, limited to what the user may see; petitioner names, phone and
身份证号 are matched only where the user may see the identity (Art. 30). Runs on SQLite (FTS5) and PostgreSQL
(tsvector + GIN)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.urls import reverse

from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import register, to_handling
from xinfang.search import selectors as search
from xinfang.search.models import SearchDocument
from xinfang.search.segment import segment, split_phrase
from xinfang.workbench.tests.conftest import on

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
PHONE = "0731-84567890"


def reg(personas, title, request="请求依法处理", facts="", names=("李四",), phone="13900000000", **kw):
    with on(MONDAY):
        petition, _code = register(
            personas.registrar_a,
            title=title,
            request=request,
            facts_and_reasons=facts,
            petitioners=[PetitionerData(name=n, phone=phone) for n in names],
            **kw,
        )
    return petition


@pytest.fixture
def corpus(personas):
    """Three petitions of unit A: 拖欠 in a title, 拖欠 only in the facts, and neither."""
    wages = reg(personas, "公司拖欠工资三个月", facts="工地老板一直不发工资。", names=("欧阳娜娜",), phone=PHONE)
    deposit = reg(personas, "押金不退", facts="物业公司拖欠退还装修押金，夜间施工也不管。")
    noise = reg(personas, "搅拌站噪音扰民", facts="搅拌站夜里施工到凌晨，夜间的施工噪音严重。")
    return wages, deposit, noise


def test_segmented_text_keeps_word_order_and_adds_the_short_words_of_long_ones():
    assert segment("被拖欠工资三个月").split()[:4] == ["被", "拖欠工资", "三个", "月"]
    assert {"拖欠", "工资"} <= set(segment("被拖欠工资三个月").split())
    assert split_phrase("“夜间施工”") == ("夜间施工", True)


def test_registration_indexes_the_petition_in_the_same_transaction(personas, corpus):
    wages = corpus[0]
    doc = SearchDocument.objects.get(petition=wages)
    assert "拖欠" in doc.title.split() and "欧阳" in doc.names.split()


def test_a_two_character_word_is_found_inside_a_longer_word_and_the_title_ranks_first(personas, corpus):
    wages, deposit, _noise = corpus
    assert search.search_petitions(personas.registrar_a, "拖欠") == [wages.pk, deposit.pk]


def test_a_phrase_in_quotes_must_be_adjacent(personas, corpus):
    _wages, deposit, noise = corpus
    # Both mention 夜间 and 施工; only one has them side by side.
    assert set(search.search_petitions(personas.registrar_a, "夜间 施工")) == {deposit.pk, noise.pk}
    assert search.search_petitions(personas.registrar_a, "“夜间施工”") == [deposit.pk]


def test_an_exact_number_ranks_first(personas, corpus):
    _wages, _deposit, noise = corpus
    # noise's 编号 typed in lower case; 拖欠-like words of other rows do not outrank it.
    found = search.search_petitions(personas.registrar_a, noise.number.lower())
    assert found[0] == noise.pk


def test_a_phone_is_found_through_the_keyed_hash(personas, corpus):
    wages = corpus[0]
    assert search.search_petitions(personas.registrar_a, "073184567890") == [wages.pk]


def test_an_outsider_finds_nothing(personas, corpus):
    wages = corpus[0]
    for text in ("拖欠", wages.number, PHONE, "欧阳娜娜"):
        assert search.search_petitions(personas.outsider, text) == []


def test_names_match_only_for_viewers_who_may_see_identity(personas, corpus):
    """The supervisor above A sees the petition masked, so may not find it by the petitioner's name (Art. 30)."""
    wages = corpus[0]
    assert search.search_petitions(personas.registrar_a, "欧阳娜娜") == [wages.pk]
    assert search.search_petitions(personas.supervisor, "拖欠")[0] == wages.pk  # visible to the supervisor
    assert search.search_petitions(personas.supervisor, "欧阳娜娜") == []
    assert search.search_petitions(personas.supervisor, PHONE) == []


def test_the_handling_unit_finds_names_once_routed(personas, corpus):
    wages = corpus[0]
    assert search.search_petitions(personas.handler_b, "欧阳娜娜") == []
    with on(MONDAY):
        to_handling(personas, wages)
    assert search.search_petitions(personas.handler_b, "欧阳娜娜") == [wages.pk]


def test_five_questions_answers_are_searched(personas):
    p = reg(personas, "路灯不亮", channel="visit", five_questions={"difficulties": "尽快修复小区路灯"})
    assert search.search_petitions(personas.registrar_a, "路灯") == [p.pk]
    assert search.search_petitions(personas.registrar_a, "修复") == [p.pk]


def test_search_combines_with_other_filters(personas, corpus):
    _wages, deposit, _noise = corpus
    within = search.petitions_visible_to(personas.registrar_a).filter(pk=deposit.pk)
    assert search.search_petitions(personas.registrar_a, "拖欠", within=within) == [deposit.pk]


def test_rebuild_indexes_petitions_loaded_without_signals(personas, corpus):
    wages = corpus[0]
    SearchDocument.objects.all().delete()
    assert search.search_petitions(personas.registrar_a, "拖欠") == []
    out = StringIO()
    call_command("search_index", "rebuild", "--batch-size", "2", stdout=out)
    assert "3 petitions, 3 documents written" in out.getvalue()
    assert search.search_petitions(personas.registrar_a, "拖欠")[0] == wages.pk


def test_punctuation_and_fts_syntax_are_plain_text(personas, corpus):
    for text in ('"', "拖欠 OR *", "NEAR(拖欠", "'; DROP TABLE x; --", "。", "a"):
        search.search_petitions(personas.registrar_a, text)  # no error from the query language


def test_inbox_search_uses_the_index_and_highlights(client, personas, corpus):
    wages, deposit, _noise = corpus
    client.force_login(personas.registrar_a)
    with on(MONDAY):
        response = client.get(reverse("workbench:inbox"), {"tab": "all", "q": "拖欠"})
    assert response.status_code == 200
    assert {row.petition.pk for row in response.context["rows"]} == {wages.pk, deposit.pk}
    marks = search.search_highlights("拖欠", [wages, deposit])
    assert marks[wages.pk] == "公司<mark>拖欠</mark>工资三个月"
    assert "<mark>拖欠</mark>" in marks[deposit.pk]


def test_highlight_escapes_html():
    q = search.SearchQuery.parse("拖欠")
    assert search.highlight("<b>拖欠</b>", q) == "&lt;b&gt;<mark>拖欠</mark>&lt;/b&gt;"


def test_the_index_is_the_vendors_full_text_index():
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'search_doc_tsv_gin'")
            assert "gin" in cur.fetchone()[0]
        else:
            cur.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")
            assert "fts5" in cur.fetchone()[0]


def test_a_number_is_answered_by_its_index_alone(personas, corpus):
    """A 编号-shaped query matches that petition only — never the words its parts happen to share with others."""
    _wages, deposit, noise = corpus
    assert search.search_petitions(personas.registrar_a, noise.number.lower()) == [noise.pk]
    assert str(search.search_q(personas.registrar_a, deposit.number)) == str(Q(number=deposit.number))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")
def test_a_common_word_is_probed_newest_first_with_the_same_answer(personas, corpus, monkeypatch):
    """A word the planner expects in more documents than the threshold is matched by probing newest first (a
    correlated EXISTS, fenced): the same rows as collecting every matching id, for the inbox and the ranked list."""
    wages, deposit, noise = corpus
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
    user = personas.registrar_a
    q = search.SearchQuery.parse("拖欠")
    monkeypatch.setattr(search, "common_threshold", lambda documents: 10**9)
    assert not search.is_common(q)
    rare_sql = str(search.petitions_visible_to(user).filter(search.search_q(user, "拖欠")).query)
    rare = list(search.petitions_visible_to(user).filter(search.search_q(user, "拖欠")).order_by("-pk"))
    monkeypatch.setattr(search, "common_threshold", lambda documents: 0)
    assert search.is_common(q)
    common_qs = search.petitions_visible_to(user).filter(search.search_q(user, "拖欠"))
    assert "OFFSET 0" in str(common_qs.query) and "OFFSET 0" not in rare_sql
    assert list(common_qs.order_by("-pk")) == rare == [deposit, wages]
    # ranked: relevance within the newest matches (here all of them): the title match first
    assert search.search_petitions(user, "拖欠") == [wages.pk, deposit.pk]
    monkeypatch.setattr(search, "RANK_WINDOW", 1)  # only the newest match is ranked
    assert search.search_petitions(user, "拖欠") == [deposit.pk]
    # a phrase takes the same path: adjacent words only
    assert search.search_petitions(user, "“夜间施工”") == [deposit.pk] and noise.pk not in rare
