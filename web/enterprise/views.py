from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from web.common.mixins import EnterpriseMixin


class DashboardView(EnterpriseMixin, TemplateView):
    template_name = "enterprise/dashboard.html"
    page_title = _("My organisation")
