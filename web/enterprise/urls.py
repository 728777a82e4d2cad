from django.urls import path

from web.enterprise import certificate_views, programme_views, views

app_name = "enterprise"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("entries/", views.entry_list, name="entries"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/files/", views.attachment_upload, name="attachment_upload"),
    path(
        "entries/<int:pk>/files/<int:attachment_pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("entries/<int:pk>/submit/", views.entry_submit, name="entry_submit"),
    path("entries/<int:pk>/recall/", views.entry_recall, name="entry_recall"),
    path("results/", views.results, name="results"),
]

urlpatterns += [
    path("studios/", programme_views.studio_list, name="studios"),
    path("studios/new/", programme_views.studio_create, name="studio_create"),
    path("studios/<int:pk>/", programme_views.studio_detail, name="studio"),
    path("studios/<int:pk>/edit/", programme_views.studio_edit, name="studio_edit"),
    path("studios/<int:pk>/files/", programme_views.studio_file_upload, name="studio_file_upload"),
    path(
        "studios/<int:pk>/files/<int:file_pk>/",
        programme_views.studio_file_download,
        name="studio_file",
    ),
    path("studios/<int:pk>/applications/", programme_views.studio_apply, name="studio_apply"),
    path(
        "studios/<int:pk>/applications/<int:application_pk>/submit/",
        programme_views.studio_application_submit,
        name="studio_application_submit",
    ),
    path("studios/<int:pk>/report/", programme_views.studio_report_file, name="studio_report"),
    path("incubations/", programme_views.incubation_list, name="incubations"),
    path("incubations/<int:pk>/", programme_views.incubation_detail, name="incubation"),
    path(
        "incubations/reports/<int:pk>/", programme_views.incubation_report, name="incubation_report"
    ),
]

# Award certificates (issue 13).
urlpatterns += [
    path("certificates/<int:pk>/pdf/", certificate_views.certificate_pdf, name="certificate_pdf"),
]
