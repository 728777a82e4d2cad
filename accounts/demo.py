"""Demo organisations, expertise fields and users (see core/demo.py for the contract)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from accounts.credit_code import make_credit_code
from accounts.enums import DISTRICT_DIVISION_CODES, STAFF_ROLES, District, OrganisationType, Role
from accounts.models import ExpertiseField, Organisation, ReviewerProfile, RoleGrant, User
from accounts.services import staff_groups_sync
from core.demo import DEMO_PASSWORD, DemoContext

EXPERTISE = [
    ("automotive", "汽车及零部件"),
    ("nev", "新能源汽车"),
    ("green-manufacturing", "绿色制造"),
    ("intelligent-manufacturing", "智能制造"),
    ("hydropower", "水电能源"),
    ("biomedicine", "生物医药"),
    ("tourism", "文化旅游"),
    ("materials", "新材料"),
    ("electronics", "电子信息"),
    ("agriculture", "现代农业"),
    ("construction", "建筑工程"),
    ("safety", "安全生产"),
]

# (name, district, type, expertise code of its main business)
ORGANISATIONS = [
    ("东风商用车有限公司", District.ZHANGWAN, OrganisationType.STATE_OWNED, "automotive"),
    (
        "东风汽车零部件（集团）有限公司",
        District.ZHANGWAN,
        OrganisationType.STATE_OWNED,
        "automotive",
    ),
    (
        "十堰东森汽车密封件有限公司",
        District.ECONOMIC_ZONE,
        OrganisationType.ENTERPRISE,
        "automotive",
    ),
    (
        "湖北万向新能源汽车零部件有限公司",
        District.ECONOMIC_ZONE,
        OrganisationType.ENTERPRISE,
        "nev",
    ),
    (
        "十堰华昌达智能装备有限公司",
        District.MAOJIAN,
        OrganisationType.ENTERPRISE,
        "intelligent-manufacturing",
    ),
    (
        "汉江水利水电（集团）有限责任公司",
        District.DANJIANGKOU,
        OrganisationType.STATE_OWNED,
        "hydropower",
    ),
    ("湖北丹江口水电开发有限公司", District.DANJIANGKOU, OrganisationType.ENTERPRISE, "hydropower"),
    ("十堰人福医药有限公司", District.MAOJIAN, OrganisationType.ENTERPRISE, "biomedicine"),
    ("湖北竹山县绿松石产业有限公司", District.ZHUSHAN, OrganisationType.ENTERPRISE, "materials"),
    ("竹溪县贡茶科技有限公司", District.ZHUXI, OrganisationType.ENTERPRISE, "agriculture"),
    ("房县黄酒酿造有限公司", District.FANGXIAN, OrganisationType.ENTERPRISE, "agriculture"),
    ("郧西县天河旅游开发有限公司", District.YUNXI, OrganisationType.ENTERPRISE, "tourism"),
    ("武当山旅游经济特区文旅集团", District.WUDANGSHAN, OrganisationType.STATE_OWNED, "tourism"),
    (
        "郧阳区绿色建材有限公司",
        District.YUNYANG,
        OrganisationType.ENTERPRISE,
        "green-manufacturing",
    ),
    ("十堰市太和医院", District.MAOJIAN, OrganisationType.PUBLIC_INSTITUTION, "biomedicine"),
    ("湖北汽车工业学院", District.ZHANGWAN, OrganisationType.UNIVERSITY, "automotive"),
    (
        "十堰职业技术学院",
        District.MAOJIAN,
        OrganisationType.UNIVERSITY,
        "intelligent-manufacturing",
    ),
    ("十堰市城市建设投资有限公司", District.MAOJIAN, OrganisationType.STATE_OWNED, "construction"),
    ("国网十堰供电公司", District.ZHANGWAN, OrganisationType.STATE_OWNED, "safety"),
    (
        "十堰市电子信息产业园有限公司",
        District.ECONOMIC_ZONE,
        OrganisationType.ENTERPRISE,
        "electronics",
    ),
]

SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌峰辉鹏飞玲燕宇晨"
TITLES = ["教授级高级工程师", "高级工程师", "教授", "副教授", "高级技师", "正高级经济师"]


def _person(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


# username, roles, full name, organisation index (into ORGANISATIONS) or None, purpose
STAFF_AND_MEMBERS = [
    ("admin", [Role.ADMIN], "系统管理员", None, "administrator (Django admin too)"),
    ("union_zhang", [Role.UNION_STAFF], "张立新", None, "union staff: contests, reviews, studios"),
    ("incubator_li", [Role.INCUBATOR_STAFF], "李晓梅", None, "maker-space incubator staff"),
    ("dongfeng", [Role.ENTERPRISE], "刘建军", 0, "enterprise member, 东风商用车"),
    ("hanjiang", [Role.ENTERPRISE], "陈红", 5, "enterprise member, 汉江水利水电"),
    ("renfu", [Role.ENTERPRISE], "周文斌", 7, "enterprise member, 十堰人福医药"),
]
REVIEWER_USERNAMES = [f"expert{i:02d}" for i in range(1, 21)]


def demo_logins() -> list[tuple[str, str]]:
    logins = [(u, purpose) for u, _, _, _, purpose in STAFF_AND_MEMBERS]
    logins.append((f"{REVIEWER_USERNAMES[0]} .. {REVIEWER_USERNAMES[-1]}", "expert reviewers"))
    return logins


def _unique_code(division: str, rng, taken: set[str]) -> str:
    while True:
        code = make_credit_code(division, rng=rng)
        if code not in taken:
            taken.add(code)
            return code


def seed(ctx: DemoContext) -> None:
    staff_groups_sync()
    rng = ctx.rng
    for code, name in EXPERTISE:
        ExpertiseField.objects.get_or_create(code=code, defaults={"name": name})
    fields = {f.code: f for f in ExpertiseField.objects.all()}

    taken = set(Organisation.objects.values_list("credit_code", flat=True))
    orgs = []
    for name, district, org_type, _field in ORGANISATIONS:
        org = Organisation.objects.filter(name=name).first()
        if org is None:
            org = Organisation.objects.create(
                name=name,
                credit_code=_unique_code(DISTRICT_DIVISION_CODES[district], rng, taken),
                org_type=org_type,
                district=district,
                address=f"湖北省十堰市{district.label}",
                contact_name=_person(rng),
                contact_phone=f"0719-{rng.randint(8000000, 8999999)}",
            )
        orgs.append(org)
    ctx.shared["demo_org_ids"] = [o.pk for o in orgs]
    ctx.shared["demo_org_fields"] = {
        o.pk: spec[3] for o, spec in zip(orgs, ORGANISATIONS, strict=True)
    }

    password = make_password(DEMO_PASSWORD)
    for username, roles, full_name, org_index, _purpose in STAFF_AND_MEMBERS:
        _ensure_user(
            username, roles, full_name, orgs[org_index] if org_index is not None else None, password
        )

    employers = orgs[:]  # reviewers work for some of the entrants: avoidance matters in the demo
    for i, username in enumerate(REVIEWER_USERNAMES):
        user = _ensure_user(username, [Role.REVIEWER], _person(rng), None, password)
        if not hasattr(user, "reviewer_profile"):
            employer = employers[(i * 7) % len(employers)]
            profile = ReviewerProfile.objects.create(
                user=user,
                title=rng.choice(TITLES),
                employer=employer,
                languages=["zh-hans"],
                max_load=30,
            )
            codes = {ctx.shared["demo_org_fields"][employer.pk], EXPERTISE[i % len(EXPERTISE)][0]}
            profile.expertise.set([fields[c] for c in codes])
    ctx.logins.extend(demo_logins())

    if ctx.entries or ctx.reviewers:
        _seed_synthetic(ctx, fields=list(fields.values()), password=password, taken=taken)


def _ensure_user(username, roles, full_name, org, password) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(
            username=username,
            full_name=full_name,
            password=password,
            organisation=org,
            email=f"{username}@example.org",
            is_staff=any(r in STAFF_ROLES for r in roles),
            is_superuser=Role.ADMIN in roles,
            must_change_password=True,
        )
        RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles])
        from django.contrib.auth.models import Group

        user.groups.add(*Group.objects.filter(name__in=[str(r) for r in roles]))
    return user


def _seed_synthetic(ctx: DemoContext, *, fields, password, taken) -> None:
    """Large data for benchmarks: organisations for the entries and extra reviewers, in bulk."""
    rng = ctx.rng
    districts = [d for d in District if d != District.OTHER]
    n_orgs = max(ctx.entries // 4, ctx.reviewers // 10, 1)
    existing = Organisation.objects.filter(name__startswith="合成单位").count()
    new_orgs = []
    for i in range(existing, n_orgs):
        district = districts[i % len(districts)]
        new_orgs.append(
            Organisation(
                name=f"合成单位{i:06d}",
                credit_code=_unique_code(DISTRICT_DIVISION_CODES[district], rng, taken),
                org_type=OrganisationType.ENTERPRISE,
                district=district,
            )
        )
    Organisation.objects.bulk_create(new_orgs, batch_size=2000)
    org_ids = list(
        Organisation.objects.filter(name__startswith="合成单位").values_list("pk", flat=True)
    )
    ctx.shared["synthetic_org_ids"] = org_ids
    ctx.log(f"synthetic organisations: {len(org_ids)}")

    have = User.objects.filter(username__startswith="synth_rev").count()
    users = [
        User(username=f"synth_rev{i:06d}", full_name=_person(rng), password=password)
        for i in range(have, ctx.reviewers)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    new_users = list(
        User.objects.filter(username__startswith="synth_rev").exclude(
            reviewer_profile__isnull=False
        )
    )
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=u, role=Role.REVIEWER) for u in new_users],
        batch_size=2000,
        ignore_conflicts=True,
    )
    profiles = ReviewerProfile.objects.bulk_create(
        [
            ReviewerProfile(
                user=u, title=rng.choice(TITLES), employer_id=rng.choice(org_ids), max_load=200
            )
            for u in new_users
        ],
        batch_size=2000,
    )
    through = ReviewerProfile.expertise.through
    through.objects.bulk_create(
        [
            through(reviewerprofile_id=p.pk, expertisefield_id=f.pk)
            for p in profiles
            for f in rng.sample(fields, rng.randint(1, 3))
        ],
        batch_size=5000,
    )
    ctx.log(f"synthetic reviewers: {ctx.reviewers}")
