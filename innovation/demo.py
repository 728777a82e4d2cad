"""Demo studios (see core/demo.py for the contract): named studios at every level across Shiyan,
led by model workers and craftsmen, with yearly assessments; one studio failed two years running
and is flagged for revocation; one application is waiting for review. Idempotent."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from accounts.models import ExpertiseField, Organisation
from core.demo import DemoContext
from innovation.enums import (
    ApplicationKind,
    ApplicationState,
    AssessmentRating,
    AssessmentState,
    StudioLevel,
    StudioState,
)
from innovation.models import Studio, StudioApplication, StudioAssessment, StudioMember

SHANGHAI = ZoneInfo("Asia/Shanghai")

# (organisation index in accounts.demo.ORGANISATIONS, studio name, leader, honours, level or None
#  for a pending studio, founded, named on, ratings of 2022..2024)
STUDIOS = [
    (
        0,
        "王建国劳模创新工作室",
        "王建国",
        ["national_model_worker"],
        StudioLevel.NATIONAL,
        date(2012, 4, 1),
        date(2016, 4, 28),
        ["excellent", "excellent", "excellent"],
    ),
    (
        1,
        "李红霞技能大师工作室",
        "李红霞",
        ["provincial_model_worker", "jingchu_craftsman"],
        StudioLevel.PROVINCE,
        date(2014, 9, 1),
        date(2018, 4, 27),
        ["pass", "excellent", "pass"],
    ),
    (
        2,
        "刘志强车城工匠创新工作室",
        "刘志强",
        ["checheng_craftsman"],
        StudioLevel.CITY,
        date(2017, 3, 15),
        date(2019, 5, 1),
        ["pass", "pass", "excellent"],
    ),
    (
        5,
        "陈斌水电检修创新工作室",
        "陈斌",
        ["jingchu_craftsman"],
        StudioLevel.PROVINCE,
        date(2013, 6, 1),
        date(2017, 4, 28),
        ["excellent", "pass", "pass"],
    ),
    (
        7,
        "周文明医药研发劳模创新工作室",
        "周文明",
        ["city_model_worker"],
        StudioLevel.CITY,
        date(2016, 8, 8),
        date(2020, 4, 29),
        ["pass", "fail", "fail"],
    ),
    (
        8,
        "杨桂英绿松石雕刻工匠工作室",
        "杨桂英",
        ["checheng_craftsman"],
        StudioLevel.DISTRICT,
        date(2018, 10, 1),
        date(2021, 5, 1),
        ["pass", "pass", "pass"],
    ),
    (
        12,
        "赵鹏飞武当文旅创新工作室",
        "赵鹏飞",
        ["city_model_worker"],
        StudioLevel.DISTRICT,
        date(2019, 1, 10),
        date(2021, 12, 1),
        ["excellent", "pass", "pass"],
    ),
    (
        18,
        "黄涛电力抢修劳模创新工作室",
        "黄涛",
        ["provincial_model_worker"],
        StudioLevel.CITY,
        date(2015, 5, 20),
        date(2019, 4, 30),
        ["pass", "excellent", "excellent"],
    ),
    (
        3,
        "孙磊新能源电驱创新工作室",
        "孙磊",
        ["checheng_craftsman"],
        None,
        date(2022, 3, 1),
        None,
        [],
    ),
]

MEMBERS = ["张伟", "李娜", "王磊", "刘洋", "陈静", "杨勇"]


def seed(ctx: DemoContext) -> None:
    org_ids = ctx.shared.get("demo_org_ids") or []
    if not org_ids:
        ctx.log("innovation: no demo organisations; no studios seeded.")
        return
    orgs = Organisation.objects.in_bulk(org_ids)
    field_codes = ctx.shared.get("demo_org_fields", {})
    fields = {f.code: f for f in ExpertiseField.objects.all()}
    fallback_field = next(iter(fields.values()), None)
    if fallback_field is None:
        return
    created = 0
    for index, name, leader, honours, level, founded, named_on, ratings in STUDIOS:
        if index >= len(org_ids):
            continue
        org = orgs[org_ids[index]]
        if Studio.objects.filter(organisation=org, name=name).exists():
            continue
        rng = ctx.rng
        studio = Studio.objects.create(
            organisation=org,
            name=name,
            field=fields.get(field_codes.get(org.pk), fallback_field),
            leader_name=leader,
            leader_job_title="高级技师",
            leader_honours=honours,
            founding_date=founded,
            description=f"依托{org.name}，由{leader}领办，开展技术攻关、成果转化和技能传承。",
            facilities="创新实训室、攻关工位、成果展示区",
            contact_phone=f"0719-{rng.randint(8000000, 8999999)}",
            patents=rng.randint(3, 40),
            innovations_adopted=rng.randint(5, 60),
            economic_benefit=Decimal(rng.randint(50, 3000) * 10000),
            people_trained=rng.randint(50, 800),
            state=StudioState.NAMED if level else StudioState.PENDING,
            level=level or "",
            named_on=named_on,
        )
        StudioMember.objects.bulk_create(
            StudioMember(studio=studio, name=m, job_title="技师", position=i)
            for i, m in enumerate(rng.sample(MEMBERS, 3))
        )
        StudioApplication.objects.create(
            studio=studio,
            kind=ApplicationKind.INITIAL,
            level=level or StudioLevel.CITY,
            state=ApplicationState.NAMED if level else ApplicationState.UNDER_REVIEW,
            submitted_at=datetime(founded.year + 1, 3, 1, tzinfo=SHANGHAI)
            if level
            else datetime(2025, 3, 1, tzinfo=SHANGHAI),
            decided_at=datetime(named_on.year, named_on.month, named_on.day, tzinfo=SHANGHAI)
            if named_on
            else None,
        )
        for year, rating in zip((2022, 2023, 2024), ratings, strict=False):
            if named_on and year < named_on.year:
                continue
            StudioAssessment.objects.create(
                studio=studio,
                year=year,
                patents=rng.randint(0, 8),
                innovations_adopted=rng.randint(0, 12),
                economic_benefit=Decimal(rng.randint(0, 500) * 1000),
                people_trained=rng.randint(10, 200),
                summary=f"{year}年度完成技术攻关项目{rng.randint(1, 9)}项。",
                state=AssessmentState.RATED,
                rating=rating,
                rating_comment="" if rating != AssessmentRating.FAIL else "年度目标未完成",
                rated_at=datetime(year + 1, 4, 15, tzinfo=SHANGHAI),
            )
        if ratings[-2:] == ["fail", "fail"]:
            studio.revocation_flagged_at = datetime(2025, 4, 15, tzinfo=SHANGHAI)
            studio.revocation_flag_reason = "Two failed yearly assessments in a row (latest: 2024)."
            studio.save(update_fields=["revocation_flagged_at", "revocation_flag_reason"])
        created += 1
    if created:
        ctx.log(f"innovation: {created} demo studios.")
