from django.urls import path

from web.console import publicity_views, views

app_name = "console"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("contests/new/", views.ContestCreateView.as_view(), name="contest-create"),
    path("contests/<int:pk>/", views.ContestView.as_view(), name="contest"),
    path("contests/<int:pk>/move/", views.ContestMoveView.as_view(), name="contest-move"),
    path("categories/<int:pk>/", views.CategoryView.as_view(), name="category"),
    path("entries/", views.EntryListView.as_view(), name="entries"),
    path("entries/export/", views.EntryExportView.as_view(), name="entries-export"),
    path("entries/<int:pk>/", views.EntryDetailView.as_view(), name="entry"),
    path("contests/<int:pk>/pool/", views.PoolView.as_view(), name="pool"),
    path("pool/<int:pk>/", views.PoolMemberView.as_view(), name="pool-member"),
    path("contests/<int:pk>/rounds/new/", views.RoundCreateView.as_view(), name="round-create"),
    path("rounds/<int:pk>/", views.RoundView.as_view(), name="round"),
    path("rounds/<int:pk>/rubric/", views.RubricView.as_view(), name="rubric"),
    path("rounds/<int:pk>/move/", views.RoundMoveView.as_view(), name="round-move"),
    path("rounds/<int:pk>/assignment/", views.AssignmentView.as_view(), name="assignment"),
    path("jobs/<int:pk>/", views.JobProgressView.as_view(), name="job"),
    path("rounds/<int:pk>/blind-check/", views.BlindCheckView.as_view(), name="blind-check"),
    path("rounds/<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("rounds/<int:pk>/fairness/", views.FairnessView.as_view(), name="fairness"),
    path("awards/<int:pk>/", views.AwardView.as_view(), name="award"),
]

# The results notice (公示) and its objections (issue 13).
urlpatterns += [
    path("notices/", publicity_views.NoticeListView.as_view(), name="notices"),
    path("notices/new/", publicity_views.NoticeCreateView.as_view(), name="notice-create"),
    path("notices/<int:pk>/", publicity_views.NoticeView.as_view(), name="notice"),
    path("notices/<int:pk>/move/", publicity_views.NoticeMoveView.as_view(), name="notice-move"),
    path("objections/<int:pk>/", publicity_views.ObjectionView.as_view(), name="objection"),
    path(
        "objections/<int:pk>/scan/",
        publicity_views.ObjectionScanView.as_view(),
        name="objection-scan",
    ),
    path(
        "contests/<int:pk>/certificates/",
        publicity_views.ContestCertificatesView.as_view(),
        name="certificates",
    ),
    path(
        "contests/<int:pk>/certificates.zip",
        publicity_views.ContestCertificatesZipView.as_view(),
        name="certificates-zip",
    ),
]
