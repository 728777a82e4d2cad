"""The framework's ceiling for ``bench/bench_http.py``: a bare Django REST Framework app.

One view serves 50 entry-list-like rows from memory through a DRF serializer: no database, no
authentication, no middleware beyond what DRF needs. Served by the same gunicorn as the product
(``gunicorn bench.http_ceiling:application``), it measures what Django + DRF + gunicorn can do
on this machine, so the product's figures can be read as a share of it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-ceiling-not-secret",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["rest_framework"],
        MIDDLEWARE=[],
        USE_TZ=True,
        TIME_ZONE="Asia/Shanghai",
        REST_FRAMEWORK={
            "DEFAULT_AUTHENTICATION_CLASSES": [],
            "DEFAULT_PERMISSION_CLASSES": [],
            "UNAUTHENTICATED_USER": None,
            "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        },
    )

import django

django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework import serializers  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402


class BriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RowSerializer(serializers.Serializer):
    """The shape of a row of the product's entry list."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    contest = BriefSerializer()
    category = BriefSerializer()
    organisation = BriefSerializer()
    state = serializers.CharField()
    keywords = serializers.ListField(child=serializers.CharField())
    leader_name = serializers.CharField(allow_null=True)
    attachment_count = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()


_NOW = dt.datetime(2026, 5, 1, 9, 30, tzinfo=dt.UTC)
ROWS = [
    {
        "id": 100_000 - i,
        "title": f"新能源重卡换电站电池包快速锁止机构（{i:06d}）",
        "contest": {"id": 3, "name": "压力测试大赛"},
        "category": {"id": 7 + i % 5, "name": "技术创新组"},
        "organisation": {"id": 1000 + i, "name": f"十堰合成企业{i:05d}有限公司"},
        "state": "submitted",
        "keywords": ["换电", "锁止"],
        "leader_name": f"王建国{i}",
        "attachment_count": i % 3,
        "submitted_at": _NOW - dt.timedelta(hours=i),
        "created_at": _NOW - dt.timedelta(days=1, hours=i),
    }
    for i in range(50)
]


class RowsView(APIView):
    def get(self, request):
        data = RowSerializer(ROWS, many=True).data
        return Response({"count": len(ROWS), "next": None, "previous": None, "results": data})


urlpatterns = [path("rows/", RowsView.as_view())]
application = get_wsgi_application()
