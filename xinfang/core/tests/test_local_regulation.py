"""The province's own 信访条例 is a per-deployment setting (issue 11): 责令重新作出 cites it only where the
deployment names it, so a deployment in another province (or the fictitious 西地省) cites only the national 条例."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import translation

from xinfang.core.articles import article_text
from xinfang.petitions.workflow import TRANSITIONS, Action

ORDER_REDO = TRANSITIONS[Action.ORDER_REDO].article


@override_settings(XINFANG_LOCAL_REGULATION="", XINFANG_LOCAL_ARTICLES={})
def test_order_redo_cites_only_the_national_regulation_by_default() -> None:
    with translation.override("zh-hans"):
        assert article_text(ORDER_REDO) == "第三十五条"
    with translation.override("en"):
        assert article_text(ORDER_REDO) == "Art. 35"


@override_settings(XINFANG_LOCAL_REGULATION="山东省信访条例", XINFANG_LOCAL_ARTICLES={"order_redo": "Art. 45"})
def test_order_redo_cites_the_configured_local_regulation() -> None:
    with translation.override("zh-hans"):
        assert article_text(ORDER_REDO) == "第三十五条、《山东省信访条例》第四十五条"
    with translation.override("en"):
        assert article_text(ORDER_REDO) == "Art. 35; 《山东省信访条例》Art. 45"


@override_settings(XINFANG_LOCAL_REGULATION="浙江省信访条例", XINFANG_LOCAL_ARTICLES={"other": "Art. 9"})
def test_a_local_regulation_without_that_provision_is_not_cited() -> None:
    with translation.override("zh-hans"):
        assert article_text(ORDER_REDO) == "第三十五条"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"XINFANG_LOCAL_ARTICLES": "order_redo=45", "XINFANG_LOCAL_REGULATION": "山东省信访条例"}, "provision=Art. N"),
        ({"XINFANG_LOCAL_ARTICLES": "order_redo=Art. 45"}, "XINFANG_LOCAL_REGULATION"),
    ],
)
def test_bad_local_regulation_settings_fail_at_start_up(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    import importlib

    import xinfang.settings as module

    monkeypatch.delenv("XINFANG_LOCAL_REGULATION", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(RuntimeError, match=message):  # SettingsError, redefined by the reload
        importlib.reload(module)
    monkeypatch.undo()
    importlib.reload(module)


def test_local_regulation_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    import xinfang.settings as module

    monkeypatch.setenv("XINFANG_LOCAL_REGULATION", "《山东省信访条例》")
    monkeypatch.setenv("XINFANG_LOCAL_ARTICLES", "order_redo=Art. 45")
    try:
        importlib.reload(module)
        assert module.XINFANG_LOCAL_REGULATION == "山东省信访条例"
        assert module.XINFANG_LOCAL_ARTICLES == {"order_redo": "Art. 45"}
    finally:
        monkeypatch.undo()
        importlib.reload(module)
