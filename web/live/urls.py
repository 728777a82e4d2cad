from django.urls import path

from web.live import views

app_name = "live"

urlpatterns = [
    # staff: draws
    path("", views.DrawListView.as_view(), name="home"),
    path("draws/new/", views.DrawCreateView.as_view(), name="draw-new"),
    path("draws/<int:pk>/", views.DrawDetailView.as_view(), name="draw"),
    path("draws/<int:pk>/run/", views.DrawRunView.as_view(), name="draw-run"),
    path("draws/<int:pk>/seat/", views.DrawSeatView.as_view(), name="draw-seat"),
    path("members/<int:pk>/respond/", views.MemberRespondView.as_view(), name="member-respond"),
    path("members/<int:pk>/code/", views.MemberCodeView.as_view(), name="member-code"),
    # staff: the live session
    path("sessions/<int:pk>/host/", views.HostView.as_view(), name="host"),
    path("sessions/<int:pk>/host/move/", views.HostMoveView.as_view(), name="host-move"),
    path("sessions/<int:pk>/record/", views.RecordReviewsView.as_view(), name="record"),
    path("sessions/<int:pk>/screen/", views.ScreenView.as_view(), name="screen"),
    path("sessions/<int:pk>/version/", views.VersionView.as_view(), name="version"),
    # the panel member's phone (signed in by the QR code, not as a user)
    path("join/<str:token>/", views.JoinView.as_view(), name="join"),
    path("phone/", views.PhoneView.as_view(), name="phone"),
    path("phone/score/", views.PhoneScoreView.as_view(), name="phone-score"),
    path("phone/status/", views.PhoneStatusView.as_view(), name="phone-status"),
]
