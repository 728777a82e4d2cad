import random

import pytest
from django.core.exceptions import ValidationError

from accounts.credit_code import (
    check_character,
    credit_code_errors,
    make_credit_code,
    validate_credit_code,
)

# A sample code often quoted with GB 32100-2015; its check character is worked out by hand in
# test_check_character_matches_hand_computation.
KNOWN_VALID = "91350100M000100Y43"


def test_check_character_matches_hand_computation():
    # "91350100M000100Y4": values 9,1,3,5,0,1,0,0,M=21,0,0,0,1,0,0,Y=30,4
    # weights              1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28
    # products             9,3,27,135,0,26,0,0,420,0,0,0,8,0,0,900,112 -> sum 1640
    # 1640 mod 31 = 28 -> 31 - 28 = 3 -> '3'
    assert check_character("91350100M000100Y4") == "3"


def test_known_valid_code_passes():
    assert credit_code_errors(KNOWN_VALID) == []


def test_wrong_check_character_is_refused_with_expected_value():
    errors = credit_code_errors(KNOWN_VALID[:17] + "4")
    assert errors == ["check character is '4', expected '3'"]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "must have 18 characters, not 17"),
        ("91350100M000100YI3", "not allowed in a credit code: I"),
        ("9135010OM000100Y43", "not allowed in a credit code: O"),
        ("91350A00M000100Y43", "characters 3-8 must be the 6-digit"),
    ],
)
def test_malformed_codes_name_the_reason(code, reason):
    assert any(reason in e for e in credit_code_errors(code))


def test_lowercase_is_not_silently_accepted_by_the_validator():
    with pytest.raises(ValidationError):
        validate_credit_code(KNOWN_VALID.lower())


def test_generated_codes_are_valid():
    rng = random.Random(1)
    codes = [make_credit_code("420302", rng=rng) for _ in range(500)]
    assert all(credit_code_errors(c) == [] for c in codes)
    assert all(c[2:8] == "420302" for c in codes)
