"""Rendering documents: the right unit, outcome, remedy and deadline, the official layout, and anonymity."""

from __future__ import annotations

import pytest

from xinfang.deadlines.rules import ClockKind
from xinfang.documents import services as documents
from xinfang.documents.services import DocumentNotRenderable, cn_date
from xinfang.documents.tests.helpers import body_text, doc_of, header_text, open_docx
from xinfang.petitions import services
from xinfang.petitions.models import Clock, Document, DocumentKind, DocumentStatus
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import register, to_handling, to_replied

pytestmark = pytest.mark.django_db


def _due(petition, kind: str) -> str:
    return cn_date(Clock.objects.filter(petition=petition, kind=kind).latest("id").due)


# ---------------------------------------------------------------- 信访处理意见书 (Arts. 32, 35)


def test_opinion_names_handling_unit_outcome_number_and_review_deadline_art_35(tree, personas):
    petition, _ = register(personas.registrar_a)
    petition = to_replied(personas, petition, outcome="support")
    text = body_text(documents.render_docx(doc_of(petition, DocumentKind.OPINION)))

    assert "信访处理意见书" in text
    assert tree.housing.name in text  # the handling unit issues it
    assert petition.number in text
    assert "张三：" in text  # addressed to the petitioner
    assert "予以支持" in text
    assert "《环境噪声污染防治法》" in text  # the legal basis (Art. 32)
    # The remedy with its deadline: 复查 by the unit one level above, until the REVIEW_WINDOW clock's due date.
    assert f"30日内向{tree.county.name}请求复查（《信访工作条例》第三十五条）" in text
    assert _due(petition, ClockKind.REVIEW_WINDOW) in text
    assert text.rstrip().endswith(cn_date(petition.reply_served_on))  # signed with the date of issue


@pytest.mark.parametrize(("outcome", "words"), [("explain", "解释说明"), ("reject", "不予支持")])
def test_opinion_states_each_outcome_of_art_32_in_words(personas, outcome, words):
    petition, _ = register(personas.registrar_a)
    petition = to_replied(personas, petition, outcome=outcome)
    text = body_text(documents.render_docx(doc_of(petition, DocumentKind.OPINION)))
    assert f"处理结论：{words}" in text
    assert "予以支持" not in text


def test_docx_layout_is_a4_with_east_asian_font_centred_unit_and_page_numbers(tree, personas):
    petition, _ = register(personas.registrar_a)
    petition = to_replied(personas, petition, outcome="support")
    content = documents.render_docx(doc_of(petition, DocumentKind.OPINION))
    doc = open_docx(content)

    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4 (stored in twips)
    first, title, number_line = doc.paragraphs[:3]
    assert first.text == tree.housing.name and first.alignment == 1  # CENTER
    assert title.text == "信访处理意见书" and title.alignment == 1
    assert title.runs[0].font.size.pt == 22
    assert petition.number in number_line.text
    signature_unit, signature_date = doc.paragraphs[-2:]
    assert signature_unit.text == tree.housing.name and signature_unit.alignment == 2  # RIGHT
    assert signature_date.alignment == 2
    # East-Asian text gets a CJK font through w:rFonts/@w:eastAsia.
    assert 'w:eastAsia="宋体"' in doc.paragraphs[4]._p.xml
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("第 ") and footer.text.endswith(" 页")
    assert 'w:instr=" PAGE "' in footer._p.xml
    assert doc.core_properties.title == "信访处理意见书"
    assert "草稿" not in header_text(content)


# ---------------------------------------------------------------- anonymity and masking (Art. 30)


def test_anonymous_petitioner_is_addressed_as_xinfangren_and_never_named(personas):
    # Even when a name was recorded, an anonymous petition's documents do not name anyone.
    petition, _ = register(personas.registrar_a, is_anonymous=True)
    petition = to_replied(personas, petition, outcome="support")
    for document in Document.objects.filter(petition=petition, status=DocumentStatus.ISSUED):
        text = body_text(documents.render_docx(document))
        assert "张三" not in text, document.kind
    opinion = body_text(documents.render_docx(doc_of(petition, DocumentKind.OPINION)))
    assert opinion.splitlines()[3] == "信访人："


def test_names_are_masked_for_staff_who_do_not_need_the_identity(personas):
    petition, _ = register(personas.registrar_a)
    petition = to_replied(personas, petition)
    context = documents.document_context(doc_of(petition, DocumentKind.OPINION), show_identity=False)
    assert context["petitioner"] == "张*"


def test_a_group_is_named_by_its_representatives_with_the_head_count(personas):
    people = [
        PetitionerData(name="甲一", is_representative=True),
        PetitionerData(name="乙二", is_representative=True),
        PetitionerData(name="丙三"),
    ]
    petition, _ = register(personas.registrar_a, petitioners=people, head_count=12, is_collective=True)
    assert documents.petitioner_display(petition) == "甲一、乙二等12人"


# ---------------------------------------------------------------- the other written replies


def test_acceptance_notice_gives_the_handling_due_date_and_procedure_art_23_34(tree, personas):
    petition, _ = register(personas.registrar_a)
    petition = to_handling(personas, petition)
    text = body_text(documents.render_docx(doc_of(petition, DocumentKind.ACCEPTANCE_NOTICE)))
    assert "受理告知书" in text
    assert f"经{tree.county_dept.name}转送至本机关" in text
    assert f"受理日期为{cn_date(petition.accepted_on)}" in text
    assert f"60日内，即于{_due(petition, ClockKind.HANDLE)}前办结" in text
    assert "第三十四条" in text and "办理程序" in text


def test_assignment_slip_sets_the_feedback_date_and_the_notice_says_assigned_art_22_3(tree, personas):
    petition, _ = register(personas.registrar_a)
    services.petition_assign(petition=petition, actor=personas.registrar_a, to_unit=tree.housing, feedback_days=20)
    petition = services.petition_accept(petition=petition, actor=personas.handler_b, notice="")
    slip = body_text(documents.render_docx(doc_of(petition, DocumentKind.ASSIGNMENT_SLIP)))
    assert slip.splitlines()[:2] == [tree.county_dept.name, "信访事项交办单"]  # issued by the assigning unit
    assert f"{tree.housing.name}：" in slip
    assert f"请你单位在20日内，即于{_due(petition, ClockKind.FEEDBACK)}前反馈办理结果，并提交办结报告" in slip
    notice = body_text(documents.render_docx(doc_of(petition, DocumentKind.ACCEPTANCE_NOTICE)))
    assert f"经{tree.county_dept.name}交办至本机关" in notice


def test_extension_notice_gives_the_reason_and_the_new_due_date_art_34(personas):
    petition, _ = register(personas.registrar_a)
    petition = to_handling(personas, petition)
    old_due = _due(petition, ClockKind.HANDLE)
    services.petition_request_extension(petition=petition, actor=personas.handler_b, days=30, reason="需委托噪声检测")
    draft = doc_of(petition, DocumentKind.EXTENSION_NOTICE)

    # The head previews the draft before approving: it says 草稿 on every page and already shows the new date.
    preview = documents.render_docx(draft, preview=True)
    assert "草稿" in header_text(preview)
    with pytest.raises(DocumentNotRenderable):
        documents.render_docx(draft)  # a draft outside a preview is never rendered

    services.petition_approve_extension(petition=petition, actor=personas.head_b)
    text = body_text(documents.render_docx(doc_of(petition, DocumentKind.EXTENSION_NOTICE)))
    new_due = _due(petition, ClockKind.HANDLE)
    assert "延期理由：需委托噪声检测" in text
    assert f"原定于{old_due}前办结" in text
    assert f"办理期限延长30日，延长后的办结期限为{new_due}" in text
    assert new_due in body_text(preview)  # the preview computed the same date approval gave
    assert "第三十四条" in text


def test_review_opinion_gives_the_recheck_right_to_the_unit_above_with_its_date_art_36(tree, personas):
    petition, _ = register(personas.registrar_a)
    petition = to_replied(personas, petition, outcome="reject")
    services.petition_request_review(petition=petition, actor=None, reason="噪音仍未停止")
    petition = services.petition_decide_review(
        petition=petition, actor=personas.county_head, outcome="uphold", opinion="原处理意见并无不当"
    )
    text = body_text(documents.render_docx(doc_of(petition, DocumentKind.REVIEW_OPINION)))
    assert tree.county.name in text.splitlines()[0]  # issued by the reviewing unit
    assert f"你不服{tree.housing.name}作出的信访处理意见" in text
    assert "原处理意见：不予支持" in text
    assert "复查结论：维持" in text
    assert f"30日内向{tree.city.name}请求复核（《信访工作条例》第三十六条）" in text
    assert _due(petition, ClockKind.RECHECK_WINDOW) in text


def test_recheck_opinion_says_the_matter_is_final_art_36_3(tree, personas):
    petition, _ = register(personas.registrar_a)
    petition = to_replied(personas, petition, outcome="reject")
    services.petition_request_review(petition=petition, actor=None, reason="不服")
    services.petition_decide_review(petition=petition, actor=personas.county_head, outcome="uphold", opinion="维持")
    services.petition_request_recheck(petition=petition, actor=None, reason="仍不服")
    petition = services.petition_decide_recheck(
        petition=petition, actor=personas.city_head, outcome="uphold", opinion="复查意见正确"
    )
    text = body_text(documents.render_docx(doc_of(petition, DocumentKind.RECHECK_OPINION)))
    assert tree.city.name in text.splitlines()[0]
    assert "复核结论：维持" in text
    assert "复查意见：" + tree.county.name + "，维持" in text
    assert "第三十六条第三款" in text and "不再受理" in text
    assert "30日内向" not in text  # no further remedy after 复核


def test_order_to_redo_names_the_handling_unit_and_opens_no_recheck_right(tree, personas):
    petition, _ = register(personas.registrar_a)
    petition = to_replied(personas, petition, outcome="reject")
    services.petition_request_review(petition=petition, actor=None, reason="不服")
    services.petition_order_redo(petition=petition, actor=personas.county_head, reason="事实不清，请重新调查")
    text = body_text(documents.render_docx(doc_of(petition, DocumentKind.REVIEW_OPINION)))
    assert f"责令{tree.housing.name}重新作出处理意见" in text
    assert "请求复核" not in text


def test_settlement_agreement_is_titled_hejie_and_named_so(personas):
    petition, _ = register(personas.registrar_a)
    petition = to_handling(personas, petition)
    services.petition_record_agreement(petition=petition, actor=personas.handler_b, kind="settlement", text="停工")
    document = doc_of(petition, DocumentKind.AGREEMENT)
    assert open_docx(documents.render_docx(document)).paragraphs[1].text == "和解协议书"
    assert documents.document_filename(document) == f"和解协议书-{petition.number}.docx"


def test_every_kind_renders_to_a_docx_that_opens_without_template_leftovers(tree, personas):
    petition, _ = register(personas.registrar_a)
    petition = to_replied(personas, petition, outcome="support")
    for kind in DocumentKind:
        document = Document.objects.create(
            petition=petition, kind=kind, unit=tree.housing, body="正文", outcome="", issued_on=petition.accepted_on
        )
        text = body_text(documents.render_docx(document))
        assert petition.number in text and tree.housing.name in text, kind
        assert "{{" not in text and "{%" not in text, kind


# ---------------------------------------------------------------- which documents render


def test_a_returned_draft_is_never_rendered_not_even_as_a_preview(personas):
    petition, _ = register(personas.registrar_a)
    petition = to_handling(personas, petition)
    services.petition_submit_decision(
        petition=petition, actor=personas.handler_b, outcome="support", opinion="…", legal_basis="《某法》"
    )
    services.petition_return_decision(petition=petition, actor=personas.head_b, reason="请补充调查")
    returned = doc_of(petition, DocumentKind.OPINION)
    assert returned.status == DocumentStatus.WITHDRAWN
    with pytest.raises(DocumentNotRenderable):
        documents.render_docx(returned, preview=True)


def test_filename_is_the_title_and_the_number(personas):
    petition, _ = register(personas.registrar_a)
    petition = to_replied(personas, petition)
    document = doc_of(petition, DocumentKind.OPINION)
    assert documents.document_filename(document) == f"信访处理意见书-{petition.number}.docx"


def test_docx_response_is_an_attachment_with_an_rfc_5987_chinese_filename(personas):
    petition, _ = register(personas.registrar_a)
    petition = to_replied(personas, petition)
    response = documents.docx_response(doc_of(petition, DocumentKind.OPINION))
    assert response["Content-Type"] == documents.DOCX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="opinion-')
    # 信访处理意见书 percent-encoded as UTF-8
    assert "filename*=UTF-8''%E4%BF%A1%E8%AE%BF%E5%A4%84%E7%90%86%E6%84%8F%E8%A7%81%E4%B9%A6-" in disposition
    assert response["Cache-Control"] == "private, no-store"
    assert "予以支持" not in body_text(response.content) and "解释说明" in body_text(response.content)
