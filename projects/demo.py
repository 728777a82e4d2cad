"""Demo contests and entries (see core/demo.py for the contract).

- Edition 4 (2024): in review, 40 submitted entries of the demo organisations; the reviews
  seeder runs its rounds on them (confirming round 1 moves them to ``in_review``).
- Edition 5 (2025): open for registration around today, ~25 entries (drafts and submitted), each
  with a small project plan PDF generated here.
- Large mode (``ctx.entries``): edition 99 "压力测试大赛" with that many submitted entries spread
  over the synthetic organisations, inserted in bulk.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import ExpertiseField, Organisation
from core import storage
from core.demo import DemoContext
from projects.enums import AttachmentKind, ContestState, EntryState, Honour, TeamRole
from projects.models import Attachment, Category, Contest, Entry, TeamMember
from projects.services import entry_set_state

CATEGORIES = [
    # code, name, description, expertise codes (accounts demo ExpertiseField codes)
    (
        "innovation",
        "创新组",
        "职工技术创新、工艺改进、发明创造类项目",
        [
            "automotive",
            "nev",
            "intelligent-manufacturing",
            "green-manufacturing",
            "materials",
            "hydropower",
            "safety",
            "electronics",
        ],
    ),
    (
        "startup",
        "创业组",
        "职工创业、成果转化、新业态类项目",
        ["biomedicine", "tourism", "agriculture", "construction", "electronics", "nev"],
    ),
]

# Realistic titles by expertise field of the entering organisation.
TITLES = {
    "automotive": [
        "商用车驾驶室焊装线柔性夹具快速换型技术",
        "重型卡车驱动桥主减速器齿轮降噪优化",
        "发动机缸体机加工在线视觉检测系统",
        "整车电泳涂装能耗智能调控装置",
        "汽车密封条挤出模具快速修复工艺",
        "变速箱壳体铸造缺陷X射线智能判读",
    ],
    "nev": [
        "新能源重卡换电站电池包快速锁止机构",
        "动力电池模组激光焊接质量在线监测",
        "电动物流车热管理系统节能改进",
        "氢燃料电池商用车储氢瓶阀门国产化",
    ],
    "intelligent-manufacturing": [
        "基于数字孪生的焊装生产线运维平台",
        "AGV智能物流调度系统在总装车间的应用",
        "工业机器人末端快换工具设计与应用",
        "数控机床刀具寿命预测与智能换刀",
    ],
    "hydropower": [
        "水电站机组振动在线监测与故障预警",
        "丹江口水库闸门启闭机智能巡检机器人",
        "水轮机转轮裂纹修复新工艺",
        "梯级水电站联合优化调度系统",
    ],
    "biomedicine": [
        "中药提取浓缩工艺节能改造",
        "无菌制剂灌装线在线粒子监测装置",
        "手术器械智能追溯管理系统",
        "武当道地药材黄精深加工成果转化",
    ],
    "tourism": [
        "武当山景区智慧导览小程序",
        "郧西天河七夕文化研学旅游产品开发",
        "景区客流实时预警与疏导系统",
        "房县民俗文化沉浸式体验项目",
    ],
    "materials": [
        "绿松石边角料再利用复合材料研发",
        "高强度轻量化铝合金铸件成形技术",
    ],
    "agriculture": [
        "竹溪贡茶标准化加工生产线升级",
        "房县黄酒低温发酵工艺改进",
        "香菇菌棒智能化生产线",
    ],
    "green-manufacturing": [
        "建筑垃圾再生骨料绿色建材生产线",
        "铸造废砂热法再生循环利用技术",
    ],
    "construction": [
        "山区城市道路边坡智能监测预警",
        "装配式建筑构件标准化生产工艺",
    ],
    "safety": [
        "配电网带电作业绝缘防护装置改进",
        "变电站智能巡检机器人应用",
        "有限空间作业安全监护系统",
    ],
    "electronics": [
        "车载电子控制单元自动化测试平台",
        "工业互联网边缘网关国产化研制",
    ],
}
POINTS = [
    "采用模块化设计，换型时间由原来的45分钟缩短至8分钟",
    "自主研发核心算法，检测准确率达到99.2%，已申请发明专利2项",
    "关键部件实现国产化替代，采购成本降低35%",
    "结合一线班组经验，形成可推广的标准作业方法",
]
BENEFITS = [
    "年节约成本约120万元，减少停机时间300小时",
    "年新增产值约800万元，带动就业30余人",
    "降低能耗18%，年减少碳排放约600吨",
    "提升产品一次合格率4个百分点，减少返工损失",
]
LEADERS = [
    ("王建国", "高级技师", Honour.NATIONAL_MODEL_WORKER),
    ("李红梅", "高级工程师", Honour.CHECHENG_CRAFTSMAN),
    ("张志强", "技师", Honour.JINGCHU_CRAFTSMAN),
    ("陈伟", "工程师", Honour.CITY_MODEL_WORKER),
    ("刘晓燕", "高级工程师", ""),
    ("赵磊", "班组长", Honour.PROVINCIAL_MODEL_WORKER),
    ("周文斌", "主任工程师", ""),
    ("孙丽", "质量工程师", ""),
]
MEMBERS = ["杨帆", "黄涛", "吴敏", "徐杰", "马超", "朱静", "胡鹏", "郭娟"]


def _category_set(contest: Contest, fields: dict[str, ExpertiseField]) -> dict[str, Category]:
    out = {}
    for code, name, description, expertise in CATEGORIES:
        category, created = Category.objects.get_or_create(
            contest=contest, code=code, defaults={"name": name, "description": description}
        )
        if created:
            category.expertise.set([fields[c] for c in expertise if c in fields])
        out[code] = category
    return out


def _category_for(field: str, categories: dict[str, Category]) -> Category:
    startup = {"biomedicine", "tourism", "agriculture", "construction"}
    return categories["startup" if field in startup else "innovation"]


def demo_pdf(title: str) -> bytes:
    """A small valid one-page PDF (ASCII text: PDF base fonts carry no Chinese glyphs)."""
    text = f"Project plan - demo entry ({len(title)} characters title)"
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _entry_build(ctx: DemoContext, *, contest, org_id, field, fields, categories, index) -> Entry:
    rng = ctx.rng
    titles = TITLES.get(field) or TITLES["intelligent-manufacturing"]
    title = titles[index % len(titles)]
    entry = Entry.objects.create(
        contest=contest,
        category=_category_for(field, categories),
        organisation_id=org_id,
        title=title,
        summary=f"{title}项目，针对生产一线的实际难题，由职工创新团队历时一年攻关完成。",
        innovation_points=rng.choice(POINTS),
        expected_benefits=rng.choice(BENEFITS),
        keywords=[fields[field].name if field in fields else "技术创新", "职工创新"],
    )
    leader = LEADERS[(index + org_id) % len(LEADERS)]
    TeamMember.objects.bulk_create(
        [
            TeamMember(
                entry=entry,
                name=leader[0],
                role=TeamRole.LEADER,
                job_title=leader[1],
                honour=leader[2],
                position=0,
            )
        ]
        + [
            TeamMember(
                entry=entry, name=name, role=TeamRole.MEMBER, job_title="技术员", position=i + 1
            )
            for i, name in enumerate(rng.sample(MEMBERS, 3))
        ]
    )
    return entry


def _attach_plan(entry: Entry) -> None:
    upload = SimpleUploadedFile(f"{entry.title}-项目计划书.pdf", demo_pdf(entry.title))
    with storage.file_stored(upload) as stored:
        Attachment.objects.create(
            entry=entry,
            kind=AttachmentKind.PLAN,
            original_name=storage.clean_filename(upload.name, content_type="application/pdf"),
            storage_name=stored.storage_name,
            content_type="application/pdf",
            size=stored.size,
            sha256=stored.sha256,
        )


def seed(ctx: DemoContext) -> None:
    fields = {f.code: f for f in ExpertiseField.objects.all()}
    org_ids: list[int] = ctx.shared.get("demo_org_ids") or list(
        Organisation.objects.order_by("pk").values_list("pk", flat=True)[:20]
    )
    org_fields: dict[int, str] = ctx.shared.get("demo_org_fields", {})
    previous = _seed_previous(ctx, fields, org_ids, org_fields)
    current = _seed_current(ctx, fields, org_ids, org_fields)
    ctx.shared["demo_contest_ids"] = {"previous": previous.pk, "current": current.pk}
    if ctx.entries > 0:
        ctx.shared["large_contest_id"] = _seed_large(ctx, fields).pk


def _seed_previous(ctx, fields, org_ids, org_fields) -> Contest:
    tz = timezone.get_current_timezone()
    contest, created = Contest.objects.get_or_create(
        edition=4,
        defaults={
            "name": "十堰市第四届职工创新创业大赛",
            "year": 2024,
            "description": "由十堰市总工会主办，面向全市职工征集技术创新与创业项目。",
            "registration_opens_at": datetime(2024, 4, 1, 9, 0, tzinfo=tz),
            "registration_closes_at": datetime(2024, 6, 30, 18, 0, tzinfo=tz),
            "max_entries_per_org": 3,
            "state": ContestState.IN_REVIEW,
        },
    )
    categories = _category_set(contest, fields)
    if contest.entries.exists():
        return contest
    submitted_at = datetime(2024, 6, 20, 10, 0, tzinfo=tz)
    for index in range(40):
        org_id = org_ids[index % len(org_ids)]
        entry = _entry_build(
            ctx,
            contest=contest,
            org_id=org_id,
            field=org_fields.get(org_id, ""),
            fields=fields,
            categories=categories,
            index=index // len(org_ids),
        )
        # Left submitted: round 1 enrols submitted entries only, and confirming its
        # assignments is what moves them to in_review (reviews/demo.py).
        entry_set_state(entry=entry, to_state=EntryState.SUBMITTED, actor=None)
    contest.entries.update(submitted_at=submitted_at)
    ctx.log(f"contest {contest.name}: {contest.entries.count()} entries submitted")
    return contest


def _seed_current(ctx, fields, org_ids, org_fields) -> Contest:
    now = timezone.now()
    contest, created = Contest.objects.get_or_create(
        edition=5,
        defaults={
            "name": "十堰市第五届职工创新创业大赛",
            "year": 2025,
            "description": "聚焦汽车及零部件、新能源汽车、水电能源、生物医药、文化旅游等产业，"
            "征集职工创新成果与创业项目。",
            "registration_opens_at": (now - timedelta(days=20)).replace(
                hour=9, minute=0, second=0, microsecond=0
            ),
            "registration_closes_at": (now + timedelta(days=40)).replace(
                hour=18, minute=0, second=0, microsecond=0
            ),
            "max_entries_per_org": 3,
            "state": ContestState.OPEN,
        },
    )
    categories = _category_set(contest, fields)
    if contest.entries.exists():
        return contest
    for index in range(25):
        org_id = org_ids[index % len(org_ids)]
        entry = _entry_build(
            ctx,
            contest=contest,
            org_id=org_id,
            field=org_fields.get(org_id, ""),
            fields=fields,
            categories=categories,
            index=1 + index // len(org_ids),
        )
        _attach_plan(entry)
        # Every third entry is still a draft (the demo members' first entries among them).
        if index % 3 != 0:
            entry_set_state(entry=entry, to_state=EntryState.SUBMITTED, actor=None)
    ctx.log(f"contest {contest.name}: {contest.entries.count()} entries, registration open")
    return contest


# Pieces of synthetic titles and summaries: realistic words, so that keyword search has work.
_PREFIX = ["基于机器视觉的", "智能化", "新型", "高效节能", "数字化", "绿色低碳", "一种", "自动化"]
_SUBJECT = [
    "发动机缸体",
    "驾驶室焊装",
    "动力电池",
    "水轮发电机组",
    "中药提取",
    "景区导览",
    "配电网",
    "铸造废砂",
    "变速箱",
    "数控机床",
    "智能仓储",
    "茶叶加工",
]
_SUFFIX = ["检测系统", "工艺改进", "装置研制", "管理平台", "关键技术", "成果转化", "优化方法"]


def _seed_large(ctx: DemoContext, fields) -> Contest:
    rng = ctx.rng
    tz = timezone.get_current_timezone()
    contest, _ = Contest.objects.get_or_create(
        edition=99,
        defaults={
            "name": "压力测试大赛",
            "year": 2025,
            "description": "合成数据：用于性能基准测试。",
            "registration_opens_at": datetime(2025, 3, 1, 9, 0, tzinfo=tz),
            "registration_closes_at": datetime(2025, 5, 31, 18, 0, tzinfo=tz),
            "max_entries_per_org": 50,
            "state": ContestState.IN_REVIEW,
        },
    )
    categories = list(_category_set(contest, fields).values())
    org_ids = ctx.shared.get("synthetic_org_ids") or list(
        Organisation.objects.values_list("pk", flat=True)
    )
    have = contest.entries.count()
    missing = ctx.entries - have
    opens = contest.registration_opens_at
    span = int((contest.registration_closes_at - opens).total_seconds())
    batch = 5000
    for start in range(0, max(missing, 0), batch):
        rows = []
        for i in range(start, min(start + batch, missing)):
            n = have + i
            title = f"{rng.choice(_PREFIX)}{rng.choice(_SUBJECT)}{rng.choice(_SUFFIX)}（{n:06d}）"
            rows.append(
                Entry(
                    contest=contest,
                    category=categories[n % len(categories)],
                    organisation_id=org_ids[n % len(org_ids)],
                    title=title,
                    summary=f"{title}：{rng.choice(POINTS)}，{rng.choice(BENEFITS)}。",
                    innovation_points=rng.choice(POINTS),
                    expected_benefits=rng.choice(BENEFITS),
                    keywords=[rng.choice(_SUBJECT), rng.choice(_SUFFIX)],
                    state=EntryState.SUBMITTED,
                    submitted_at=opens + timedelta(seconds=rng.randrange(span)),
                )
            )
        created = Entry.objects.bulk_create(rows)
        TeamMember.objects.bulk_create(
            [
                TeamMember(
                    entry_id=e.pk,
                    name=rng.choice(LEADERS)[0] + str(e.pk % 97),
                    role=TeamRole.LEADER,
                    job_title="工程师",
                    position=0,
                )
                for e in created
            ]
        )
    ctx.log(f"large contest {contest.name}: {contest.entries.count()} entries")
    return contest
