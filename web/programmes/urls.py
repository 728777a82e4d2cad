from django.urls import path

from web.programmes import views

app_name = "programmes"

urlpatterns = [
    path("studios/applications/", views.ApplicationQueueView.as_view(), name="applications"),
    path(
        "studios/applications/<int:pk>/<slug:verb>/",
        views.ApplicationMoveView.as_view(),
        name="application_move",
    ),
    path("studios/assessments/", views.AssessmentsView.as_view(), name="assessments"),
    path(
        "studios/assessments/<int:pk>/rate/",
        views.AssessmentRateView.as_view(),
        name="assessment_rate",
    ),
    path("studios/<int:pk>/", views.StudioView.as_view(), name="studio"),
    path("studios/<int:pk>/revoke/", views.StudioRevokeView.as_view(), name="studio_revoke"),
    path("studios/<int:pk>/remind/", views.StudioRemindView.as_view(), name="studio_remind"),
    path("incubator/", views.PortfolioView.as_view(), name="portfolio"),
    path("incubator/admit/<int:entry>/", views.AdmitView.as_view(), name="admit"),
    path("incubator/reports/", views.ReportsView.as_view(), name="reports"),
    path(
        "incubator/reports/<int:pk>/remind/", views.ReportRemindView.as_view(), name="report_remind"
    ),
    path(
        "incubator/reports/<int:pk>/<slug:verb>/",
        views.ReportReviewView.as_view(),
        name="report_review",
    ),
    path("incubator/<int:pk>/", views.IncubationView.as_view(), name="incubation"),
    path("incubator/<int:pk>/milestones/", views.MilestoneAddView.as_view(), name="milestone_add"),
    path("incubator/<int:pk>/support/", views.SupportAddView.as_view(), name="support_add"),
    path("incubator/<int:pk>/stage/<slug:verb>/", views.StageMoveView.as_view(), name="stage_move"),
    path(
        "incubator/milestones/<int:pk>/<slug:verb>/",
        views.MilestoneMoveView.as_view(),
        name="milestone_move",
    ),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/screen/", views.DashboardScreenView.as_view(), name="dashboard_screen"),
    path("dashboard/export/", views.DashboardExportView.as_view(), name="dashboard_export"),
    path("dashboard/score-vs-outcome/", views.ScoreOutcomeView.as_view(), name="score_outcome"),
]
