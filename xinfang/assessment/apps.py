from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    """考核 under the 信访工作责任制 (Art. 39) and 专项工作 campaigns."""

    name = "xinfang.assessment"
    label = "assessment"
    verbose_name = _("Assessment and campaigns")
