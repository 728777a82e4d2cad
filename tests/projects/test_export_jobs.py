"""The staff entry list exported by a background job (POST .../export/): 202 with the job, the
file downloaded from the job by whoever may see it, the same filters and scoping as the list."""

import csv
import io

import openpyxl
import pytest

from jobs import services as job_services
from jobs.enums import JobState
from jobs.models import Job
from projects.enums import EntryState
from tests.conftest import wait_until
from tests.factories.accounts import OrganisationFactory
from tests.factories.projects import EntryFactory

URL = "/api/v1/entries/export/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    org = OrganisationFactory(name="十堰东森汽车密封件有限公司")
    wanted = [
        EntryFactory(organisation=org, title=f"密封条工艺 {i}", state=EntryState.SUBMITTED)
        for i in range(3)
    ]
    EntryFactory(title='=HYPERLINK("http://evil")', state=EntryState.SUBMITTED)
    EntryFactory(title="草稿项目", state=EntryState.DRAFT)
    return wanted


def _start(client, query):
    response = client.post(f"{URL}?{query}")
    assert response.status_code == 202, response.content
    assert response["Location"] == response.json()["url"]
    return response.json()


def test_an_xlsx_export_job_makes_the_filtered_list_and_serves_it(staff_client, entries):
    body = _start(staff_client, "file_format=xlsx&state=submitted&q=密封条")
    assert body["state"] == "queued" and body["download_url"] is None
    # Not made yet: nothing to download, in words.
    early = staff_client.get(f"/api/v1/jobs/{body['id']}/download/")
    assert early.status_code == 409 and early.json()["code"] == "job_no_file"

    job = job_services.job_run(job_id=body["id"])
    assert job.state == JobState.SUCCEEDED, job.error
    done = staff_client.get(body["url"]).json()
    assert done["result"]["rows"] == 3 and done["percent"] == 100
    assert "name" not in done["result"]["file"]  # the storage name stays on the server
    assert done["download_url"] == f"/api/v1/jobs/{job.pk}/download/"

    response = staff_client.get(done["download_url"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="entries-' in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][6] == "项目名称"
    assert sorted(r[6] for r in rows[1:]) == sorted(e.title for e in entries)


def test_a_csv_export_job_has_the_bom_and_neutralised_formulas(staff_client, entries):
    body = _start(staff_client, "file_format=csv&state=submitted")
    job_services.job_run(job_id=body["id"])
    response = staff_client.get(f"/api/v1/jobs/{body['id']}/download/")
    data = b"".join(response.streaming_content)
    assert data.startswith("\ufeff".encode())
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    titles = [r[header.index("项目名称")] for r in rows]
    assert len(titles) == 4 and '\'=HYPERLINK("http://evil")' in titles


def test_the_same_export_twice_while_queued_is_one_job(staff_client, entries):
    first = _start(staff_client, "file_format=csv&state=submitted&page=3")
    again = _start(staff_client, "state=submitted&file_format=csv")
    assert first["id"] == again["id"]
    assert Job.objects.count() == 1


def test_only_the_staff_member_who_asked_sees_the_job_and_its_file(
    staff_client, entries, client_for
):
    from accounts.enums import Role
    from tests.factories.accounts import UserFactory

    body = _start(staff_client, "file_format=csv")
    job_services.job_run(job_id=body["id"])
    colleague = client_for(UserFactory(roles=[Role.UNION_STAFF], is_staff=True))
    assert colleague.get(body["url"]).status_code == 404
    assert colleague.get(f"/api/v1/jobs/{body['id']}/download/").status_code == 404
    assert body["id"] not in [j["id"] for j in colleague.get("/api/v1/jobs/").json()["results"]]


@pytest.mark.parametrize("who", ["member_client", "reviewer_client"])
def test_non_staff_cannot_start_an_export(request, who):
    assert request.getfixturevalue(who).post(f"{URL}?file_format=csv").status_code == 403
    assert not Job.objects.exists()


def test_a_bad_filter_or_format_is_refused_at_once_naming_it(staff_client):
    bad = staff_client.post(f"{URL}?file_format=csv&state=nope")
    assert bad.status_code == 400 and "state" in bad.json()["fields"]
    fmt = staff_client.post(f"{URL}?file_format=pdf")
    assert fmt.status_code == 400 and "file_format" in fmt.json()["fields"]
    assert not Job.objects.exists()


def test_an_export_over_the_cap_is_refused_at_once(staff_client, entries, settings):
    settings.ENTRY_EXPORT_CSV_MAX_ROWS = 2
    response = staff_client.post(f"{URL}?file_format=xlsx")
    assert response.status_code == 400 and response.json()["code"] == "export_too_large"
    assert not Job.objects.exists()


def test_a_purged_file_is_a_404_in_words(staff_client, entries):
    from core.exports import export_files_purge

    body = _start(staff_client, "file_format=csv")
    job_services.job_run(job_id=body["id"])
    assert export_files_purge(older_than_hours=-1) >= 1
    response = staff_client.get(f"/api/v1/jobs/{body['id']}/download/")
    assert response.status_code == 404 and "24" in response.json()["detail"]


def test_a_real_worker_runs_the_export_on_its_queue(celery_worker_factory, client_for, settings):
    from accounts.enums import Role
    from tests.factories.accounts import UserFactory

    EntryFactory(title="工人先锋号项目", state=EntryState.SUBMITTED)
    client = client_for(UserFactory(roles=[Role.UNION_STAFF], is_staff=True))
    celery_worker_factory(
        queues=["exports"],
        extra_env={"TEST_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT)},
    )
    body = _start(client, "file_format=xlsx")

    def finished():
        state = client.get(body["url"]).json()
        return state if state["finished"] else None

    state = wait_until(finished, timeout=60)
    assert state["state"] == "succeeded", state["error"]
    response = client.get(state["download_url"])
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [r[6] for r in workbook.active.iter_rows(values_only=True)][1:] == ["工人先锋号项目"]
