"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters: registration authority (1), organisation type (1), administrative division (6
digits), organisation code (9, itself carrying a GB 11714 check character), check character (1).
The alphabet has 31 characters: digits and capitals without I, O, S, V, Z.
"""

from __future__ import annotations

import random

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714 organisation code: 8 body characters (digits or capitals) and a check character.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_char_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def check_character(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_code_check_character(body8: str) -> str:
    value = (
        11 - sum(_org_char_value(ch) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True)) % 11
    )
    return {10: "X", 11: "0"}.get(value, str(value))


def credit_code_errors(code: str) -> list[str]:
    """Every reason ``code`` is not a valid credit code (empty list when it is valid)."""
    if len(code) != 18:
        return [f"must have 18 characters, not {len(code)}"]
    bad = sorted({ch for ch in code if ch not in _VALUE})
    if bad:
        return [f"contains characters not allowed in a credit code: {''.join(bad)}"]
    errors = []
    if not code[2:8].isdigit():
        errors.append("characters 3-8 must be the 6-digit administrative division code")
    expected = check_character(code[:17])
    if code[17] != expected:
        errors.append(f"check character is '{code[17]}', expected '{expected}'")
    return errors


def validate_credit_code(value: str) -> None:
    errors = credit_code_errors(value)
    if errors:
        raise ValidationError(
            _("Invalid unified social credit code: %(reason)s."),
            code="invalid_credit_code",
            params={"reason": "; ".join(errors)},
        )


def make_credit_code(division: str, *, rng: random.Random, org_type: str = "1") -> str:
    """A well-formed code for demo data and tests: authority 9 (市场监管), the given division, a
    random organisation code with its GB 11714 check character, and the GB 32100 check character."""
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    org_code = body + org_code_check_character(body)
    first17 = "9" + org_type + division + org_code
    return first17 + check_character(first17)
