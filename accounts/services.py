"""All writes to organisations, users, roles and reviewer profiles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import STAFF_ROLES, UNION_STAFF_ROLES, Role
from accounts.errors import AccountError
from accounts.expert_sheet import ExpertRow, SheetProblem, read_expert_sheet
from accounts.models import (
    ApiToken,
    ExpertiseField,
    Organisation,
    ReviewerProfile,
    RoleGrant,
    User,
)
from accounts.permissions import has_any_role
from core.exceptions import Conflict, NotPermitted, ValidationFailed
from core.services import audit_record
from core.validation import full_clean_or_400

ORGANISATION_FIELDS = (
    "name",
    "credit_code",
    "org_type",
    "district",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
    "is_active",
)

# What only union staff set on a reviewer profile: they steer assignment (回避 by employer, loads).
REVIEWER_STAFF_ONLY_FIELDS = ("employer", "max_load", "is_active")

# Django admin access: staff roles get a group of the same name holding these apps' permissions.
_GROUP_APPS = {
    Role.UNION_STAFF: (
        "accounts",
        "projects",
        "reviews",
        "innovation",
        "notifications",
        "core",
    ),
    Role.INCUBATOR_STAFF: ("incubator", "projects", "accounts", "notifications", "core"),
    Role.ADMIN: (
        "accounts",
        "projects",
        "reviews",
        "innovation",
        "incubator",
        "notifications",
        "core",
        "auth",
    ),
}


def organisation_create(*, actor: User | None, data: dict[str, Any]) -> Organisation:
    """Create an organisation. Guarantees a valid, unique credit code (clear 409 on duplicates)."""
    values = {k: v for k, v in data.items() if k in ORGANISATION_FIELDS}
    values["credit_code"] = (values.get("credit_code") or "").strip().upper()
    org = Organisation(**values)
    if Organisation.objects.filter(credit_code=org.credit_code).exists():
        raise Conflict(
            _("An organisation with credit code %(credit_code)s already exists.")
            % {"credit_code": org.credit_code},
            code=AccountError.DUPLICATE_ORGANISATION,
            fields={"credit_code": [_("An organisation with this credit code already exists.")]},
        )
    full_clean_or_400(org, exclude=["credit_code"] if not org.credit_code else ())
    with transaction.atomic():
        org.save()
        audit_record(actor=actor, action="organisation.create", target=org)
    return org


def organisation_update(*, actor: User | None, org: Organisation, data: dict) -> Organisation:
    changed = {}
    for key, value in data.items():
        if key not in ORGANISATION_FIELDS:
            continue
        if key == "credit_code":
            value = value.strip().upper()
        if getattr(org, key) != value:
            changed[key] = [str(getattr(org, key)), str(value)]
            setattr(org, key, value)
    if not changed:
        return org
    if (
        "credit_code" in changed
        and Organisation.objects.filter(credit_code=org.credit_code).exclude(pk=org.pk).exists()
    ):
        raise Conflict(
            _("An organisation with credit code %(credit_code)s already exists.")
            % {"credit_code": org.credit_code},
            code=AccountError.DUPLICATE_ORGANISATION,
            fields={"credit_code": [_("An organisation with this credit code already exists.")]},
        )
    full_clean_or_400(org)
    with transaction.atomic():
        org.save()
        audit_record(actor=actor, action="organisation.update", target=org, data=changed)
    return org


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(
            _("password: %(messages)s") % {"messages": " ".join(exc.messages)},
            fields={"password": list(exc.messages)},
        ) from exc


def _check_roles_fit(roles: set[str], organisation: Organisation | None) -> None:
    if Role.ENTERPRISE in roles and organisation is None:
        raise ValidationFailed(
            _("An enterprise member must belong to an organisation."),
            fields={"organisation": [_("Required for the enterprise role.")]},
        )


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    roles: Iterable[str] = (),
    organisation: Organisation | None = None,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    language: str = "zh-hans",
) -> User:
    """Create a user with its roles. Passwords pass Django's validators; an enterprise member
    belongs to exactly one organisation."""
    roles = {Role(r) for r in roles}
    _check_roles_fit(roles, organisation)
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(
            _("The username '%(username)s' is taken.") % {"username": username},
            code=AccountError.DUPLICATE_USERNAME,
            fields={"username": [_("This username is taken.")]},
        )
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        phone=phone,
        language=language,
        organisation=organisation,
        is_staff=bool(roles & STAFF_ROLES),
        is_superuser=Role.ADMIN in roles,
        # Staff issued this password: the user is asked to choose their own at first sign-in.
        must_change_password=True,
    )
    _check_password(password, user)
    user.set_password(password)
    full_clean_or_400(user, exclude=["password"])
    user.save()
    _roles_write(user, roles)
    audit_record(actor=actor, action="user.create", target=user, data={"roles": sorted(roles)})
    return user


def _roles_write(user: User, roles: set[str]) -> None:
    from django.contrib.auth.models import Group

    RoleGrant.objects.filter(user=user).exclude(role__in=roles).delete()
    existing = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles - existing])
    staff_groups = Group.objects.filter(name__in=[str(r) for r in STAFF_ROLES])
    user.groups.remove(*[g for g in staff_groups if g.name not in roles])
    user.groups.add(*[g for g in staff_groups if g.name in roles])
    user.forget_roles()


@transaction.atomic
def user_password_change(*, user: User, password: str) -> User:
    """The user chose a new password themselves (password change or reset by e-mail): it passes
    the validators, and the prompt to replace an issued password ends."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_password(password, user)
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record(actor=user, action="user.password_change", target=user)
    return user


@transaction.atomic
def user_update(*, actor: User | None, user: User, data: dict[str, Any]) -> User:
    """Update a user's profile, organisation and roles. A member of one organisation cannot be
    moved into another one silently: staff must first clear the organisation."""
    user = User.objects.select_for_update().get(pk=user.pk)
    roles = {Role(r) for r in data["roles"]} if "roles" in data else set(user.role_set)
    if "organisation" in data:
        new_org = data["organisation"]
        if (
            new_org is not None
            and user.organisation_id is not None
            and user.organisation_id != new_org.pk
        ):
            raise Conflict(
                _(
                    "%(username)s already belongs to %(organisation)s; a user belongs to one organisation only. Clear the organisation first."
                )
                % {"username": user.username, "organisation": user.organisation},
                code=AccountError.USER_IN_OTHER_ORGANISATION,
                fields={"organisation": [_("The user already belongs to another organisation.")]},
            )
        user.organisation = new_org
    _check_roles_fit(roles, user.organisation)
    for key in ("full_name", "email", "phone", "language", "is_active"):
        if key in data:
            setattr(user, key, data[key])
    if "password" in data:
        _check_password(data["password"], user)
        user.set_password(data["password"])
        user.must_change_password = actor is None or actor.pk != user.pk
    user.is_staff = bool(roles & STAFF_ROLES)
    user.is_superuser = Role.ADMIN in roles
    full_clean_or_400(user, exclude=["password"])
    user.save()
    if "roles" in data:
        _roles_write(user, roles)
    audit_record(
        actor=actor,
        action="user.update",
        target=user,
        data={k: str(v) for k, v in data.items() if k != "password"},
    )
    return user


@transaction.atomic
def reviewer_profile_save(
    *,
    actor: User | None,
    user: User,
    data: dict[str, Any],
) -> ReviewerProfile:
    """Create or update a reviewer's profile and make sure the user holds the reviewer role.

    Only union staff or an administrator (or the system, ``actor=None``) set the fields that
    steer assignment (employer, load limit, status); a reviewer editing themselves is refused."""
    if actor is not None and not has_any_role(actor, UNION_STAFF_ROLES):
        staff_only = sorted(set(data) & set(REVIEWER_STAFF_ONLY_FIELDS))
        if staff_only:
            raise NotPermitted(
                _("Only union staff change a reviewer's %(fields)s.")
                % {"fields": ", ".join(staff_only)},
                fields={key: [_("Only union staff change this.")] for key in staff_only},
                code=AccountError.REVIEWER_STAFF_FIELDS,
            )
    profile, created = ReviewerProfile.objects.select_for_update().get_or_create(user=user)
    for key in ("title", "employer", "languages", "bio", "max_load", "is_active"):
        if key in data:
            setattr(profile, key, data[key])
    full_clean_or_400(profile)
    profile.save()
    if "expertise" in data:
        profile.expertise.set(data["expertise"])
    if not user.has_role(Role.REVIEWER):
        RoleGrant.objects.get_or_create(user=user, role=Role.REVIEWER)
        user.forget_roles()
    audit_record(
        actor=actor,
        action="reviewer_profile.create" if created else "reviewer_profile.update",
        target=profile,
    )
    return profile


def api_token_issue(*, user: User, device: str = "") -> tuple[ApiToken, str]:
    """A new token for one device of ``user``; returns the row and the key (shown once, only its
    hash is stored). It expires after ``REST_KNOX["TOKEN_TTL"]`` and dies with a password change;
    the user's other devices keep theirs."""
    return ApiToken.objects.create(
        user=user, device=device[:100], password_fingerprint=user.get_session_auth_hash()
    )


def api_token_revoke(*, token: ApiToken | None) -> None:
    """Sign one device out: only that token stops working."""
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).delete()


def api_tokens_purge_expired() -> int:
    """Delete every expired token (beat runs it hourly: the sign-in check only refuses an expired
    token, it no longer reads all of a user's tokens on every request). Returns how many."""
    deleted, _counts = ApiToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted


def expertise_field_create(*, actor: User | None, code: str, name: str) -> ExpertiseField:
    if (
        ExpertiseField.objects.filter(code=code).exists()
        or ExpertiseField.objects.filter(name=name).exists()
    ):
        raise Conflict(
            _("An expertise field with this code or name exists."), code=AccountError.DUPLICATE
        )
    field = ExpertiseField(code=code, name=name)
    full_clean_or_400(field)
    field.save()
    return field


def staff_groups_sync(*, using: str = "default") -> None:
    """Give each staff role a permission group for the Django admin. Runs after every migrate."""
    from django.contrib.auth.models import Group, Permission

    for role, apps in _GROUP_APPS.items():
        group, _created = Group.objects.using(using).get_or_create(name=str(role))
        perms = Permission.objects.using(using).filter(content_type__app_label__in=apps)
        group.permissions.set(perms)


# --------------------------------------------------------------------------------------------
# bulk import of expert reviewers from an Excel sheet
# --------------------------------------------------------------------------------------------


@dataclass
class ExpertImport:
    """What an import did: the reviewers created and the existing users updated (their
    profile refreshed and the reviewer role granted), in the sheet's order."""

    created: list[User]
    updated: list[User]

    @property
    def reviewers(self) -> list[User]:
        return self.created + self.updated


def _resolve_rows(rows: list[ExpertRow]) -> tuple[dict, dict, dict, list[SheetProblem]]:
    """Employer and expertise names and existing users for the rows, and the rows that name
    something unknown or ambiguous. A fixed number of queries."""
    problems: list[SheetProblem] = []
    employer_names = {r.employer for r in rows if r.employer}
    orgs: dict[str, list[Organisation]] = {}
    for org in Organisation.objects.filter(name__in=employer_names, is_active=True):
        orgs.setdefault(org.name, []).append(org)
    fields: dict[str, ExpertiseField] = {}
    for f in ExpertiseField.objects.all():
        fields[f.name.lower()] = f
        fields[f.code.lower()] = f
    emails = [r.email for r in rows]
    users: dict[str, list[User]] = {}
    for u in User.objects.filter(Q(username__in=emails) | Q(email__in=emails)).prefetch_related(
        "role_grants"
    ):
        for key in {u.username.lower(), u.email.lower()} & set(emails):
            users.setdefault(key, []).append(u)
    for row in rows:
        if row.employer and row.employer not in orgs:
            problems.append(
                SheetProblem(
                    row.line,
                    "employer",
                    _("No organisation named “%s”: add it first, or leave the cell empty.")
                    % row.employer,
                )
            )
        elif row.employer and len(orgs[row.employer]) > 1:
            problems.append(
                SheetProblem(
                    row.line,
                    "employer",
                    _("Several organisations are named “%s”: set this expert's employer by hand.")
                    % row.employer,
                )
            )
        unknown = [w for w in row.expertise if w.lower() not in fields]
        if unknown:
            problems.append(
                SheetProblem(
                    row.line,
                    "expertise",
                    _("Unknown field(s) of expertise: %s.") % "、".join(unknown),
                )
            )
        if len(users.get(row.email, [])) > 1:
            problems.append(
                SheetProblem(row.line, "email", _("Several users have this e-mail address."))
            )
    return orgs, fields, users, problems


def experts_import(*, actor: User | None, file: IO[bytes]) -> ExpertImport:
    """Create (or update) expert reviewers from an Excel sheet (see ``accounts.expert_sheet``).

    All or nothing: every bad row is reported in one 400 (``fields["file"]`` lists them as
    "Row N, column: problem") and nothing is written; otherwise every row is written in one
    transaction. A new expert's login is their e-mail address, with no usable password: they
    set one through "forgot password". An existing user with that e-mail keeps their account
    and roles, gets the reviewer role and has the profile fields of the sheet written.
    """
    rows, problems = read_expert_sheet(file)
    if rows:
        orgs, fields, users, more = _resolve_rows(rows)
        problems += more
    if problems:
        problems.sort(key=lambda p: (p.line, p.column))
        raise ValidationFailed(
            _("%d problem(s) in the sheet; nothing was imported.") % len(problems),
            fields={"file": [str(p) for p in problems]},
        )
    created: list[User] = []
    updated: list[User] = []
    with transaction.atomic():
        for row in rows:
            existing = users.get(row.email)
            if existing:
                user = existing[0]
                user.full_name = row.name
                if row.phone:
                    user.phone = row.phone
                full_clean_or_400(user, exclude=["password"])
                user.save(update_fields=["full_name", "phone"])
                updated.append(user)
            else:
                user = User(
                    username=row.email, email=row.email, full_name=row.name, phone=row.phone
                )
                user.set_unusable_password()
                full_clean_or_400(user, exclude=["password"])
                created.append(user)
        User.objects.bulk_create(created)
        grants = RoleGrant.objects.filter(
            user__in=created + updated, role=Role.REVIEWER
        ).values_list("user_id", flat=True)
        have_role = set(grants)
        RoleGrant.objects.bulk_create(
            [
                RoleGrant(user=u, role=Role.REVIEWER)
                for u in created + updated
                if u.pk not in have_role
            ]
        )
        by_email = {u.username.lower(): u for u in created} | {
            row.email: users[row.email][0] for row in rows if row.email in users
        }
        profiles = {
            p.user_id: p
            for p in ReviewerProfile.objects.select_for_update().filter(user__in=updated)
        }
        new_profiles = []
        for row in rows:
            user = by_email[row.email]
            profile = profiles.get(user.pk) or ReviewerProfile(user=user)
            profile.title = row.title
            profile.employer = orgs[row.employer][0] if row.employer else None
            full_clean_or_400(profile, exclude=["user"])
            if profile.pk:
                profile.save(update_fields=["title", "employer", "updated_at"])
            else:
                new_profiles.append(profile)
            profiles[user.pk] = profile
        ReviewerProfile.objects.bulk_create(new_profiles)
        through = ReviewerProfile.expertise.through
        through.objects.filter(reviewerprofile__in=list(profiles.values())).delete()
        through.objects.bulk_create(
            [
                through(
                    reviewerprofile_id=profiles[by_email[row.email].pk].pk,
                    expertisefield_id=fields[w.lower()].pk,
                )
                for row in rows
                for w in dict.fromkeys(w.lower() for w in row.expertise)
            ],
            ignore_conflicts=True,
        )
        for user in created + updated:
            user.forget_roles()
        created_ids = {u.pk for u in created}
        for user in created + updated:
            audit_record(
                actor=actor,
                action="reviewer.import",
                target=user,
                data={"created": user.pk in created_ids},
            )
    return ExpertImport(created=created, updated=updated)
