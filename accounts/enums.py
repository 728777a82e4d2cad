from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user may do. One user may hold several roles."""

    ENTERPRISE = "enterprise", _("Enterprise member")
    REVIEWER = "reviewer", _("Expert reviewer")
    UNION_STAFF = "union_staff", _("Union staff")
    INCUBATOR_STAFF = "incubator_staff", _("Incubator staff")
    ADMIN = "admin", _("Administrator")


# The role sets, defined once here (a superuser passes every check through
# accounts.permissions.has_any_role; never test ``user.has_role(...)`` with a staff set).
# Any programme's staff: they work in the Django admin and see every organisation's data.
STAFF_ROLES = frozenset({Role.UNION_STAFF, Role.INCUBATOR_STAFF, Role.ADMIN})
# Union staff run the contests, reviews and studios.
UNION_STAFF_ROLES = (Role.UNION_STAFF, Role.ADMIN)
# Incubator staff run the maker space's incubations.
INCUBATOR_STAFF_ROLES = (Role.INCUBATOR_STAFF, Role.ADMIN)


class OrganisationType(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    STATE_OWNED = "state_owned", _("State-owned enterprise")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    UNIVERSITY = "university", _("University or research institute")
    SOCIAL = "social", _("Social organisation")
    GOVERNMENT = "government", _("Government body")
    OTHER = "other", _("Other")


class District(models.TextChoices):
    """Districts of Shiyan (十堰). The value is a stable slug; the label is the Chinese name."""

    MAOJIAN = "maojian", "茅箭区"
    ZHANGWAN = "zhangwan", "张湾区"
    YUNYANG = "yunyang", "郧阳区"
    YUNXI = "yunxi", "郧西县"
    ZHUSHAN = "zhushan", "竹山县"
    ZHUXI = "zhuxi", "竹溪县"
    FANGXIAN = "fangxian", "房县"
    DANJIANGKOU = "danjiangkou", "丹江口市"
    WUDANGSHAN = "wudangshan", "武当山旅游经济特区"
    ECONOMIC_ZONE = "economic_zone", "十堰经济技术开发区"
    OTHER = "other", _("Outside Shiyan")


# Administrative division codes (GB/T 2260) used in credit codes; the two special zones use the
# city's code.
DISTRICT_DIVISION_CODES = {
    District.MAOJIAN: "420302",
    District.ZHANGWAN: "420303",
    District.YUNYANG: "420304",
    District.YUNXI: "420322",
    District.ZHUSHAN: "420323",
    District.ZHUXI: "420324",
    District.FANGXIAN: "420325",
    District.DANJIANGKOU: "420381",
    District.WUDANGSHAN: "420300",
    District.ECONOMIC_ZONE: "420300",
    District.OTHER: "420000",
}


class Language(models.TextChoices):
    """Languages of the interface, emails and reviewers' working languages."""

    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"
