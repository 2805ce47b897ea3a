"""The zh-Hans catalogue is complete, compiled, and the default language of pages and API errors.

zh-Hans is ``LANGUAGE_CODE``: a request without ``Accept-Language`` must read in Chinese, with the official
terms of the 信访工作条例 (2022). ``polib`` is not a dependency, so the .po file is read by a small parser here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "xinfang" / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')
# Named printf placeholders (%(name)s, %(s).1f) and str.format fields ({max}).
_PRINTF = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")
_BRACE = re.compile(r"\{\w*\}")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# A msgstr is Chinese when it has Chinese characters, or is full-width punctuation only ("：" for ": ").
_CHINESE_TEXT = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
DRF_REQUIRED = "This field is required."


@dataclass
class PoEntry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        ctxt = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"django.po:{self.line}: {ctxt}{self.msgid!r}"


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def parse_po(path: Path) -> list[PoEntry]:
    """Every entry of a .po file, the header (msgid "") included; obsolete (#~) entries are skipped."""
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    target: tuple[str, int] | None = None  # the keyword a continuation line ("...") belongs to

    def finish() -> None:
        nonlocal current, target
        if current is not None and (current.msgid or current.msgstr):
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        starts_entry = line.startswith(("#", "msgctxt ", "msgid "))
        if current is not None and current.msgstr and starts_entry:
            finish()  # entries are normally separated by a blank line; be tolerant when they are not
        if current is None:
            current = PoEntry(line=number)
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"django.po:{number}: continuation line without a keyword"
            kind, form = target
            if kind == "msgstr":
                current.msgstr[form] += _unquote(line)
            else:
                setattr(current, kind, (getattr(current, kind) or "") + _unquote(line))
        else:
            match = _KEYWORD.match(line)
            assert match, f"django.po:{number}: cannot parse {raw!r}"
            keyword, plural_index, value = match.groups()
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(plural_index) if plural_index is not None else 0)
                current.msgstr[target[1]] = _unquote(value)
            else:
                target = (keyword, 0)
                setattr(current, keyword, _unquote(value))
    finish()
    return entries


def _catalogue() -> tuple[PoEntry, list[PoEntry]]:
    entries = parse_po(PO_PATH)
    header = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(header) == 1, "django.po must have exactly one header entry"
    return header[0], [e for e in entries if e is not header[0]]


def _msgstr(msgid: str) -> str:
    """The zh-Hans translation of a msgid as written in django.po (so tests follow the translators' wording)."""
    _, entries = _catalogue()
    found = [e.msgstr[0] for e in entries if e.msgid == msgid and e.msgctxt is None]
    assert found, f"{msgid!r} is not in django.po"
    return found[0]


def _placeholders(text: str) -> set[str]:
    return set(_PRINTF.findall(text)) | set(_BRACE.findall(text))


# --- (a) the catalogue is complete ------------------------------------------------------------------------


def test_po_header_declares_simplified_chinese_with_one_plural_form():
    header, _ = _catalogue()
    meta = header.msgstr[0]
    assert "fuzzy" not in header.flags
    assert "Language: zh_Hans\n" in meta
    assert "Plural-Forms: nplurals=1; plural=0;" in meta
    assert "charset=UTF-8" in meta


def test_every_msgid_has_a_translation_and_none_is_fuzzy():
    _, entries = _catalogue()
    assert len(entries) > 100, "the catalogue looks truncated"
    problems: list[str] = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            problems.append(f"{entry.label}: fuzzy")
        if not entry.msgstr or any(not text.strip() for text in entry.msgstr.values()):
            problems.append(f"{entry.label}: empty msgstr")
        if entry.msgid_plural is not None and sorted(entry.msgstr) != [0]:
            problems.append(f"{entry.label}: Chinese has one plural form (msgstr[0] only)")
    assert not problems, "\n".join(problems)


def test_translations_keep_every_placeholder():
    """%(name)s and {name} placeholders survive translation; a plural msgstr follows msgid_plural."""
    _, entries = _catalogue()
    problems: list[str] = []
    for entry in entries:
        source = entry.msgid_plural if entry.msgid_plural is not None else entry.msgid
        expected = _placeholders(source)
        for index, text in entry.msgstr.items():
            got = _placeholders(text)
            if got != expected:
                problems.append(f"{entry.label}: msgstr[{index}] has {sorted(got)}, expected {sorted(expected)}")
    assert not problems, "\n".join(problems)


def test_translations_are_chinese():
    """Every msgstr contains Chinese, except the few that are only codes or names (none today)."""
    _, entries = _catalogue()
    untranslated = [entry.label for entry in entries if not _CHINESE_TEXT.search(entry.msgstr.get(0, ""))]
    assert not untranslated, "\n".join(untranslated)


# --- (b) the compiled catalogue matches the .po -----------------------------------------------------------


def test_mo_file_exists():
    assert MO_PATH.is_file(), "run: manage.py compilemessages -l zh_Hans -i .venv"


def test_compiled_catalogue_is_in_step_with_the_po():
    """gettext under zh-hans returns each msgstr of django.po: the .mo was compiled from this .po."""
    _, entries = _catalogue()
    stale: list[str] = []
    with translation.override("zh-hans"):
        for entry in entries:
            expected = entry.msgstr[0]  # nplurals=1: form 0 serves every count
            if entry.msgid_plural is not None:
                got = [
                    translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                    if entry.msgctxt is not None
                    else translation.ngettext(entry.msgid, entry.msgid_plural, n)
                    for n in (1, 2, 5)
                ]
                if got != [expected] * 3:
                    stale.append(f"{entry.label}: {got!r} != {expected!r}")
                continue
            if entry.msgctxt is not None:
                text = translation.pgettext(entry.msgctxt, entry.msgid)
            else:
                text = translation.gettext(entry.msgid)
            if text != expected:
                stale.append(f"{entry.label}: {text!r} != {expected!r}")
    assert not stale, "django.mo is stale; run compilemessages:\n" + "\n".join(stale)


# --- (c) pages default to Chinese -------------------------------------------------------------------------


def test_default_language_setting_is_simplified_chinese():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE


def test_home_page_is_chinese_without_accept_language(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html.lower()
    assert _msgstr("Submit a petition online") in html
    assert _msgstr("xinfang — public petitions") in html
    assert "Submit a petition online" not in html
    assert response["Content-Language"] == "zh-hans"


def test_home_page_is_english_with_accept_language_en(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Submit a petition online" in html
    assert _msgstr("Submit a petition online") not in html
    assert response["Content-Language"] == "en"


# --- (d) API validation errors default to Chinese ---------------------------------------------------------


@pytest.fixture
def fresh_throttles():
    """The public submission endpoint is throttled per client; other tests may have used up the quota."""
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_throttles")
def test_api_validation_error_is_chinese_by_default(client):
    response = client.post("/api/v1/petitions/", data={}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    with translation.override("zh-hans"):
        required = translation.gettext(DRF_REQUIRED)  # DRF's own catalogue; a variable keeps makemessages away
    assert _CJK.search(required), "DRF's zh-Hans catalogue should translate 'This field is required.'"
    assert body["title"] == [required]
    assert body["request"] == [required]
    assert response["Content-Language"] == "zh-hans"


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_throttles")
def test_api_validation_error_is_english_with_accept_language_en(client):
    response = client.post("/api/v1/petitions/", data={}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["title"] == [DRF_REQUIRED]
    assert body["request"] == [DRF_REQUIRED]
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_throttles")
def test_project_message_in_api_error_is_chinese_by_default(client):
    """A domain message of our own catalogue (not DRF's) reaches the petitioner in Chinese."""
    data = {"title": "噪声扰民", "request": "请求处理夜间施工噪声"}  # no unit, no problem location
    response = client.post("/api/v1/petitions/", data=data, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == _msgstr("Choose the petition department, or give the problem location.")
    english = client.post("/api/v1/petitions/", data=data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"] == "Choose the petition department, or give the problem location."
