from django.urls import path

from web.common import views

app_name = "common"

urlpatterns = [
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("accounts/home/", views.landing, name="landing"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.notice_open, name="notice"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("inbox/unread/", views.unread_badge, name="unread_badge"),
]
