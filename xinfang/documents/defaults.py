# ruff: noqa: E501 - Chinese prose where one source line is one paragraph of the document; wrapping would split it.
"""The default zh-Hans wording of every document kind, with the article each sentence rests on.

Migration 0002 seeds these as the default ``DocumentTemplate`` rows, and ``services.template_for`` falls back to
them if a default row is ever missing, so keep this module importable and free of model imports. Editing the
text here changes new databases and the fallback only; existing rows are the admin's.

Conventions: each non-empty line becomes one paragraph; a line ending in "：" is the addressee (no indent);
lines starting with 一、二、… are headings. The unit name, title, 编号, signature and date are added by the
renderer around this text. The wording follows the 信访工作条例 (2022): Arts. 19 ¶3, 22, 23, 31–36.
"""

from __future__ import annotations

ACCEPTANCE_NOTICE = (
    "受理告知书",
    """{{ petitioner }}：
你于{{ received_on }}提出的信访事项（编号：{{ number }}，事由：{{ title }}）{% if sender_unit %}经{{ sender_unit }}{{ routed_as|default:"转送" }}至本机关，{% endif %}已收悉。
你的诉求：{{ request }}
经审查，该事项属于本机关职权范围。根据《信访工作条例》第二十三条的规定，本机关决定予以受理，受理日期为{{ accepted_on }}。
{% if simple %}本事项适用简易办理程序，本机关将于{{ handle_due }}前办结并答复你。{% else %}根据《信访工作条例》第三十四条的规定，本机关将自受理之日起60日内，即于{{ handle_due }}前办结，并出具信访处理意见书书面答复你；情况复杂的，经本机关负责人批准，可以适当延长办理期限，但延长期限不超过30日，届时将告知你延期理由。{% endif %}
办理程序：本机关将听取你陈述事实和理由，调查核实有关情况，依照法律、法规、规章和其他有关规定提出处理意见，并出具信访处理意见书（《信访工作条例》第三十一条第六项、第三十二条）。对处理意见不服的，可以自收到书面答复之日起30日内请求本机关的上一级机关、单位复查（《信访工作条例》第三十五条）。
办理期间，你可以凭信访事项编号和查询码查询办理进展和结果。{% if unit_phone %}联系电话：{{ unit_phone }}。{% endif %}
{% if body %}{{ body }}{% endif %}
特此告知。""",
)

NON_ACCEPTANCE_NOTICE = (
    "不予受理告知书",
    """{{ petitioner }}：
你于{{ received_on }}提出的信访事项（编号：{{ number }}，事由：{{ title }}）已收悉。
你的诉求：{{ request }}
经审查，{{ ground_label }}。
{% if ground == "already_handled" %}根据《信访工作条例》第十九条第三款的规定，信访事项已经受理或者正在办理的，信访人在规定期限内向受理、办理机关、单位的上级机关、单位又提出同一信访事项的，上级机关、单位不予受理。请你等待原受理、办理机关、单位的书面答复。{% elif ground == "terminated" %}根据《信访工作条例》第三十六条第三款的规定，信访人对复核意见不服，仍然以同一事实和理由提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理。{% else %}根据《信访工作条例》第二条、第二十三条的规定，请你向有权处理的机关、单位提出。{% endif %}
本机关决定不予受理。
{% if body %}具体理由：{{ body }}{% endif %}
特此告知。""",
)

DIVERSION_NOTICE = (
    "导入法定途径告知书",
    """{{ petitioner }}：
你于{{ received_on }}提出的信访事项（编号：{{ number }}，事由：{{ title }}）已收悉。
你的诉求：{{ request }}
{% if route == "duty" %}经审查，你反映的问题{{ route_label }}。根据《信访工作条例》第三十一条第五项的规定，有关机关将依法履行职责或者予以答复。{% else %}经审查，你反映的问题{{ route_label }}。根据《信访工作条例》第三十一条的规定，该事项依照法律法规规定的程序处理，不再按照信访程序办理，请你依法向有关机关提出。{% endif %}
{% if body %}办理指引：{{ body }}{% endif %}
法定程序有期限要求的，请你在法定期限内提出，以免影响你的合法权益。
特此告知。""",
)

FORWARDING_SLIP = (
    "信访事项转送单",
    """{{ to_unit }}：
现将{{ petitioner }}于{{ received_on }}提出的信访事项（编号：{{ number }}）转送你单位，请依照《信访工作条例》的规定办理。
事由：{{ title }}
诉求：{{ request }}
{% if facts %}事实和理由：{{ facts }}{% endif %}
{% if co_units %}协办单位：{{ co_units }}{% endif %}
{% if body %}转送意见：{{ body }}{% endif %}
属于你单位职权范围的，请自收到之日起15日内书面告知信访人接收情况以及处理途径和程序；不属于你单位职权范围的，请自收到之日起5个工作日内提出异议，并详细说明理由（《信访工作条例》第二十二条、第二十三条第三款）。""",
)

ASSIGNMENT_SLIP = (
    "信访事项交办单",
    """{{ to_unit }}：
现将{{ petitioner }}于{{ received_on }}提出的信访事项（编号：{{ number }}）交由你单位办理。
事由：{{ title }}
诉求：{{ request }}
{% if facts %}事实和理由：{{ facts }}{% endif %}
{% if co_units %}协办单位：{{ co_units }}{% endif %}
{% if body %}交办意见：{{ body }}{% endif %}
根据《信访工作条例》第二十二条第一款第三项的规定，请你单位在{{ feedback_days }}日内，即于{{ feedback_due }}前反馈办理结果，并提交办结报告。
属于你单位职权范围的，请自收到之日起15日内书面告知信访人接收情况以及处理途径和程序；不属于的，请自收到之日起5个工作日内提出异议，并详细说明理由（《信访工作条例》第二十三条第三款）。""",
)

OBJECTION = (
    "信访事项异议书",
    """{{ sender_unit|default:"转送、交办单位" }}：
{% if routed_on %}你单位于{{ routed_on }}{% else %}你单位{% endif %}转送、交办的信访事项（编号：{{ number }}，事由：{{ title }}）已收悉。
经研究，该事项不属于本单位职权范围，理由如下：
{{ body }}
根据《信访工作条例》第二十三条第三款的规定，本单位在收到之日起5个工作日内提出异议，请予核实。经核实同意后，本单位将交还相关材料。""",
)

EXTENSION_NOTICE = (
    "延期办理告知书",
    """{{ petitioner }}：
你于{{ received_on }}提出的信访事项（编号：{{ number }}，事由：{{ title }}），本机关已于{{ accepted_on }}受理，原定于{{ old_due }}前办结。
因情况复杂，本机关需要延长办理期限。
延期理由：{{ extension_reason }}
根据《信访工作条例》第三十四条的规定，经本机关负责人批准，办理期限延长{{ extension_days }}日，延长后的办结期限为{{ new_due }}。
本机关将在延长后的期限内办结，并出具信访处理意见书书面答复你。
特此告知。""",
)

OPINION = (
    "信访处理意见书",
    """{{ petitioner }}：
你于{{ received_on }}提出的信访事项（编号：{{ number }}，事由：{{ title }}），本机关已于{{ accepted_on }}依法受理。本机关听取了你陈述的事实和理由，并进行了调查核实，现根据《信访工作条例》第三十二条的规定，提出处理意见如下：
一、投诉请求
{{ request }}
二、事实和理由
{{ facts|default:"信访人未另行陈述事实和理由。" }}
三、调查核实情况及处理意见
{{ body }}
四、处理结论：{{ outcome_label }}
{% if outcome == "support" %}你的请求事实清楚，符合法律、法规、规章或者其他有关规定，本机关予以支持，并将督促有关机关、单位执行。{% elif outcome == "explain" %}你的请求事由合理，但缺乏法律依据，本机关已对有关情况作出解释说明。{% elif outcome == "reject" %}你的请求缺乏事实根据或者不符合法律、法规、规章或者其他有关规定，本机关不予支持。{% endif %}
五、法律法规依据
{% if legal_basis %}{{ legal_basis }}；{% endif %}《信访工作条例》第三十二条。
六、救济途径
如对本处理意见不服，可自收到本意见书之日起30日内向{{ reviewer_unit|default:"本机关的上一级机关、单位" }}请求复查（《信访工作条例》第三十五条）。请求复查的期限截至{{ remedy_due }}。""",
)

AGREEMENT = (
    '{% if agreement_kind == "settlement" %}和解协议书{% else %}调解协议书{% endif %}',
    """信访人：{{ petitioner }}
{% if other_party %}另一方当事人：{{ other_party }}{% endif %}
信访事项编号：{{ number }}
事由：{{ title }}
信访人请求：{{ request }}
{% if agreement_kind == "settlement" %}双方当事人经自愿协商，就上述事项达成和解，协议如下：{% else %}经{{ unit_name }}主持调解，双方当事人在平等自愿的基础上，就上述事项达成调解协议如下：{% endif %}
{{ body }}
本协议依据《信访工作条例》第三十三条制作，经双方当事人签字（盖章）后生效。协议达成后，本信访事项办理终结。
信访人（签字）：　　　　　　　　　　另一方当事人（签字、盖章）：""",
)

COMPLETION_REPORT = (
    "信访事项办结报告",
    """{{ sender_unit|default:"交办单位" }}：
{% if routed_on %}你单位于{{ routed_on }}{% else %}你单位{% endif %}交办的信访事项（编号：{{ number }}，事由：{{ title }}），本单位已办理完毕，现将办理结果报告如下：
一、信访人诉求
{{ request }}
二、办理情况和结果
{{ body }}
{% if opinion_outcome_label %}三、处理意见：{{ opinion_outcome_label }}{% endif %}
根据《信访工作条例》第二十二条第一款第三项的规定，特此报告。""",
)

REVIEW_OPINION = (
    "复查意见书",
    """{{ petitioner }}：
你不服{{ handling_unit }}作出的信访处理意见（信访事项编号：{{ number }}，事由：{{ title }}），于{{ review_requested_on }}向本机关请求复查。本机关根据《信访工作条例》第三十五条的规定进行了复查，现答复如下：
一、原处理意见：{{ opinion_outcome_label }}
二、复查意见
{{ body }}
三、复查结论：{{ outcome_label }}
{% if outcome == "uphold" %}原处理意见认定事实清楚、适用依据正确、程序合法、结论适当，本机关予以维持。{% elif outcome == "revoke" %}原处理意见认定事实或者适用依据有误，本机关予以撤销。{% elif outcome == "modify" %}原处理意见结论不当，本机关予以变更，变更后的意见如上。{% elif outcome == "redo" %}本机关撤销原处理意见，责令{{ handling_unit }}重新作出处理意见。{{ handling_unit }}将重新办理，并出具信访处理意见书书面答复你。{% endif %}
{% if outcome != "redo" %}如对本复查意见不服，可自收到本意见书之日起30日内向{{ reviewer_unit|default:"本机关的上一级机关、单位" }}请求复核（《信访工作条例》第三十六条）。请求复核的期限截至{{ remedy_due }}。{% endif %}""",
)

RECHECK_OPINION = (
    "复核意见书",
    """{{ petitioner }}：
你不服{{ review_unit }}作出的复查意见（信访事项编号：{{ number }}，事由：{{ title }}），于{{ recheck_requested_on }}向本机关请求复核。本机关根据《信访工作条例》第三十六条的规定进行了复核，现答复如下：
一、原处理意见：{{ handling_unit }}，{{ opinion_outcome_label }}；复查意见：{{ review_unit }}，{{ review_outcome_label }}
二、复核意见
{{ body }}
三、复核结论：{{ outcome_label }}
{% if outcome == "uphold" %}复查意见认定事实清楚、适用依据正确、程序合法、结论适当，本机关予以维持。{% elif outcome == "revoke" %}复查意见认定事实或者适用依据有误，本机关予以撤销。{% elif outcome == "modify" %}复查意见结论不当，本机关予以变更，变更后的意见如上。{% endif %}
本复核意见为终结意见。根据《信访工作条例》第三十六条第三款的规定，你对本复核意见不服，仍然以同一事实和理由提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理。
对生活确有困难的，你可以依法向有关机关或者机构申请社会救助（《信访工作条例》第三十七条）。""",
)

# kind value → (title template, body template). Keys are DocumentKind values, spelled out so that migration
# 0002 does not depend on the current model code.
DEFAULT_TEMPLATES: dict[str, tuple[str, str]] = {
    "acceptance_notice": ACCEPTANCE_NOTICE,
    "non_acceptance_notice": NON_ACCEPTANCE_NOTICE,
    "diversion_notice": DIVERSION_NOTICE,
    "forwarding_slip": FORWARDING_SLIP,
    "assignment_slip": ASSIGNMENT_SLIP,
    "objection": OBJECTION,
    "extension_notice": EXTENSION_NOTICE,
    "opinion": OPINION,
    "agreement": AGREEMENT,
    "completion_report": COMPLETION_REPORT,
    "review_opinion": REVIEW_OPINION,
    "recheck_opinion": RECHECK_OPINION,
}
