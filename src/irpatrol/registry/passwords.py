"""Passwords: Argon2id hashes (argon2-cffi defaults) and the policy a new password must pass
(length, not the user name, zxcvbn strength)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from irpatrol.errors import ParameterError

MIN_PASSWORD_LENGTH = 8
"""Fewest characters a new password may have."""
MIN_PASSWORD_SCORE = 2
"""Lowest zxcvbn score (0–4) a new password may have: 2 is "somewhat guessable", i.e. more than
10^6 guesses, which login throttling (:func:`irpatrol.registry.auth.check_throttle`) puts out of
reach of an online attack."""

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """Argon2id hash of ``password`` (salted, encoded with its parameters)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password_policy(password: str, username: str = "") -> None:
    """ParameterError naming the problem unless ``password`` has at least
    :data:`MIN_PASSWORD_LENGTH` characters, is not (a case variant of) the user name and reaches
    zxcvbn score :data:`MIN_PASSWORD_SCORE` (common passwords, keyboard runs, dates, repeats score
    0–1)."""
    from zxcvbn import zxcvbn

    if len(password) < MIN_PASSWORD_LENGTH:
        raise ParameterError(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > 256:
        raise ParameterError("password too long: at most 256 characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in password):
        raise ParameterError("password contains a control character")
    if username and username.strip().casefold() in password.casefold():
        raise ParameterError("password must not contain the user name")
    result = zxcvbn(password[:100], user_inputs=[username] if username else [])
    if int(result["score"]) < MIN_PASSWORD_SCORE:
        hint = (result.get("feedback") or {}).get("warning") or "too easy to guess"
        raise ParameterError(f"password too weak: {hint}")
