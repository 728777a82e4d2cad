from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAnyStaff
from core.exports import CONTENT_TYPES, xlsx_response
from dashboards import selectors, tables
from dashboards.exports import dashboard_workbook


def _table_json(table: tables.Table) -> dict:
    return {
        "key": table.key,
        "title": table.title,
        "columns": [{"key": k, "label": label} for k, label in table.columns],
        "rows": table.rows,
    }


class DashboardView(APIView):
    """Programme figures per contest edition and year: studios by level and district, entries
    and organisations, awards per tier and provincial recommendations, incubated projects and
    their outcomes; each as a table of columns and rows (staff only)."""

    permission_classes = (IsAnyStaff,)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        figures = selectors.dashboard_figures()
        return Response(
            {
                "headline": [{"label": k, "value": v} for k, v in tables.headline(figures)],
                "tables": [_table_json(t) for t in tables.dashboard_tables(figures)],
            }
        )


class DashboardExportView(APIView):
    """The dashboard's tables as one XLSX workbook (one sheet per table)."""

    permission_classes = (IsAnyStaff,)

    @extend_schema(responses={(200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY})
    def get(self, request):
        figures = selectors.dashboard_figures()
        content = dashboard_workbook([*tables.dashboard_tables(figures), _correlations()])
        return xlsx_response(content, basename="programme-dashboard")


def _correlations() -> tables.Table:
    return tables.correlations_table(
        selectors.score_outcome_correlations(selectors.score_outcome_rows())
    )


class ScoreOutcomeView(APIView):
    """Do contest scores predict outcomes? Per edition, award tier and final score against the
    incubated projects' outcomes: Spearman's rho and Kendall's tau with the number of projects
    and the small-numbers caveat in words (staff only)."""

    permission_classes = (IsAnyStaff,)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        rows = selectors.score_outcome_rows()
        return Response(
            {
                "projects": len(rows),
                "correlations": selectors.score_outcome_correlations(rows),
            }
        )
