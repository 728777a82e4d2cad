from django.urls import path

from web.public import publicity_views, views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
]

# The results notice (公示, issue 13).
urlpatterns += [
    path("notices/", publicity_views.notice_list, name="notices"),
    path("notices/<int:pk>/", publicity_views.notice_detail, name="notice"),
    path("notices/<int:pk>/objection/", publicity_views.objection_create, name="objection"),
    path("certificates/verify/", publicity_views.certificate_verify, name="certificate_lookup"),
    path(
        "certificates/verify/<str:number>/",
        publicity_views.certificate_verify,
        name="certificate_verify",
    ),
]
