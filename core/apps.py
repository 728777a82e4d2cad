from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Every ModelSerializer maps date, datetime and relation fields to the bounded, strict
        # fields of core.api.fields (400 instead of a DataError or a silently truncated id).
        from django.db import models
        from rest_framework import serializers

        from core.api import fields

        serializers.ModelSerializer.serializer_field_mapping.update(
            {models.DateTimeField: fields.DateTimeField, models.DateField: fields.DateField}
        )
        serializers.ModelSerializer.serializer_related_field = fields.PrimaryKeyRelatedField
