"""Length limits on the free text of a petition, whatever the channel (portal, API, workbench).

The columns of ``request``, ``facts_and_reasons`` and ``five_questions`` (五必问) are unbounded; without a limit one
anonymous submission could store megabytes. Each refusal is a 400 naming the field. The limits are generous for
a real letter: a 来信 of several pages fits, and longer material belongs in an attachment.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from xinfang.core.errors import InvalidInput
from xinfang.core.limits import json_dumps_size, require_max_length

TITLE_MAX = 200
REQUEST_MAX = 5000  # 诉求
FACTS_MAX = 20000  # 事实和理由
FIVE_QUESTION_ANSWER_MAX = 5000  # each answer of the 五必问
FIVE_QUESTIONS_TOTAL_MAX = 20000  # the whole 五必问 record (stored as JSON)
SHORT_TEXT_MAX = 200  # names, addresses, accused


def check_intake_lengths(data: Any) -> None:
    """Refuse over-long free text in an ``IntakeData`` (400 naming the field)."""
    require_max_length(data.title, field="title", limit=TITLE_MAX)
    require_max_length(data.request, field="request", limit=REQUEST_MAX)
    require_max_length(data.facts_and_reasons, field="facts_and_reasons", limit=FACTS_MAX)
    require_max_length(data.problem_address, field="problem_address", limit=SHORT_TEXT_MAX)
    require_max_length(data.accused_name, field="accused_name", limit=SHORT_TEXT_MAX)
    answers = data.five_questions or {}
    if not isinstance(answers, dict):
        raise InvalidInput(_("The five questions must be given as question → answer."), field="five_questions")
    for key, answer in answers.items():
        if not isinstance(answer, str):
            raise InvalidInput(_("Each answer must be text."), field=f"five_questions.{key}")
        require_max_length(answer, field=f"five_questions.{key}", limit=FIVE_QUESTION_ANSWER_MAX)
    if json_dumps_size(answers) > FIVE_QUESTIONS_TOTAL_MAX:
        raise InvalidInput(
            _("The answers to the five questions are too long together: at most %(n)s characters.")
            % {"n": FIVE_QUESTIONS_TOTAL_MAX},
            field="five_questions",
            code="too_long",
        )
    for i, person in enumerate(data.petitioners or []):
        require_max_length(person.name, field=f"petitioners.{i}.name", limit=100)
        require_max_length(person.address, field=f"petitioners.{i}.address", limit=SHORT_TEXT_MAX)
