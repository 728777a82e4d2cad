from django.urls import path

from web.reviewer import views

app_name = "reviewer"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("rounds/<int:pk>/pledge/", views.PledgeView.as_view(), name="pledge"),
    path("assignments/<int:pk>/", views.ScoringView.as_view(), name="assignment"),
    path("assignments/<int:pk>/save/", views.SaveView.as_view(), name="save"),
    path("assignments/<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path(
        "assignments/<int:pk>/files/<int:attachment_id>/",
        views.AttachmentView.as_view(),
        name="file",
    ),
    path("assignments/<int:pk>/recuse/", views.RecuseView.as_view(), name="recuse"),
    path("conflicts/", views.ConflictView.as_view(), name="conflicts"),
    path("conflicts/search/", views.ConflictSearchView.as_view(), name="conflict-search"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
]
