from django.urls import path

from web.enterprise import views

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
