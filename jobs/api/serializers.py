from rest_framework import serializers

from jobs.enums import JobState


class JobSerializer(serializers.Serializer):
    """The progress body of ``jobs.selectors.job_status`` (read only)."""

    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="Registered kind, e.g. reviews.round.confirm.")
    kind_label = serializers.CharField(help_text="What the step does, in words.")
    target_type = serializers.CharField(help_text="e.g. reviews.round")
    target_id = serializers.CharField()
    params = serializers.JSONField()
    state = serializers.ChoiceField(choices=JobState.choices)
    state_label = serializers.CharField()
    phase = serializers.CharField()
    phase_label = serializers.CharField(help_text="The current phase, in words.")
    percent = serializers.IntegerField(min_value=0, max_value=100)
    finished = serializers.BooleanField(help_text="True once succeeded, failed or cancelled.")
    result = serializers.JSONField(help_text="What the step produced (figures), once succeeded.")
    download_url = serializers.CharField(
        allow_null=True, help_text="An export's file, once the job succeeded (GET it)."
    )
    error = serializers.CharField(help_text="Why it failed or was cancelled, in words.")
    error_code = serializers.CharField()
    error_details = serializers.ListField(child=serializers.CharField())
    attempts = serializers.IntegerField(help_text="Claims by a worker (more than 1: taken over).")
    cancel_requested = serializers.BooleanField()
    heartbeat_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(help_text="Poll this for progress.")
