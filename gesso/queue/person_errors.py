"""Queue item errors as people read them (issue 11, "errors for people").

A failed item keeps its exception class name, message and traceback for administrators and the
log. Owners who are not administrators get a category instead of the class name and a sentence
instead of the message: no server paths, no class names, no traceback. Which viewer gets which
is `access.sees_error_detail`; this module only knows how to turn one into the other.

Errors about the request itself (a LoRA of another base, a mask of another size: the nodes'
`ValueError` / `IncompatibleModel` messages are written for people) and refusals (which image or
model the owner may not use) keep their message after the sentence, unless it looks like it names
a path, a class or a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonError:
    """`category` takes the place of `error_type`, `sentence` the place of `error_message`."""

    category: str
    sentence: str


MODEL_LOAD = PersonError(
    "model_load_failed",
    "The model could not be loaded. Ask an administrator to check it; the details are in the server log.",
)
MODEL_MISSING = PersonError(
    "model_not_found",
    "A model this generation uses is not installed (any more). Pick another model and try again.",
)
OUT_OF_MEMORY = PersonError(
    "out_of_memory",
    "The server ran out of memory. Try a smaller image size or fewer images at once.",
)
SETTINGS = PersonError(
    "invalid_settings",
    "The generation settings could not be used. Check them and try again.",
)
NOT_ALLOWED = PersonError(
    "not_allowed",
    "This generation uses an image or model you may not use.",
)
SERVER_RESTARTED = PersonError(
    "server_restarted",
    "The server stopped while this item was running, so it did not finish. Retry it.",
)
OWNER_INACTIVE = PersonError(
    "account_inactive",
    "This item was canceled because its owner's account is no longer active.",
)
GENERATION = PersonError(
    "generation_failed",
    "The generation failed because of a problem on the server. An administrator can see the details.",
)

BY_ERROR_TYPE: dict[str, PersonError] = {
    "ModelLoadError": MODEL_LOAD,
    "SafetensorError": MODEL_LOAD,
    "HeaderTooLarge": MODEL_LOAD,
    "EnvironmentError": MODEL_LOAD,
    "OSError": MODEL_LOAD,
    "FileNotFoundError": MODEL_LOAD,
    "UnpicklingError": MODEL_LOAD,
    "UnknownModel": MODEL_MISSING,
    "OutOfMemoryError": OUT_OF_MEMORY,
    "MemoryError": OUT_OF_MEMORY,
    "IncompatibleModel": SETTINGS,
    "InvalidInput": SETTINGS,
    "UnknownLoraLayout": SETTINGS,
    "ValueError": SETTINGS,
    "ZeroDivisionError": SETTINGS,
    "Forbidden": NOT_ALLOWED,
    "ModelAccessDenied": NOT_ALLOWED,  # a restricted model whose access was revoked while the item waited
    "ServerRestarted": SERVER_RESTARTED,
    "OwnerInactive": OWNER_INACTIVE,
}

# Things a message must not show to someone who is not an administrator: absolute or relative
# paths (POSIX, Windows, file URLs), Python class names and reprs, tracebacks, memory addresses.
UNSAFE_DETAIL = re.compile(
    r"""(?:^|[\s'"(=:])(?:~|\.{1,2})?/\w|\w/[\w.-]+/|[A-Za-z]:\\|\\\\|file:|<class |<module |Traceback|"""
    r"""\b[A-Z]\w*(?:Error|Exception)\b|\b0x[0-9a-fA-F]{6,}|\.py\b"""
)
MAX_DETAIL = 300


def shareable_detail(message: str | None) -> str | None:
    """The message, when it is short and names nothing of the server's insides; None otherwise."""
    if not message or len(message) > MAX_DETAIL or "\n" in message or UNSAFE_DETAIL.search(message):
        return None
    return message


def for_person(error_type: str | None, error_message: str | None) -> PersonError | None:
    """The category and sentence for a stored error (None when the item has no error)."""
    if error_type is None:
        return None
    person = BY_ERROR_TYPE.get(error_type, GENERATION)
    detail = shareable_detail(error_message) if person in (SETTINGS, NOT_ALLOWED) else None
    return PersonError(person.category, f"{person.sentence} {detail}") if detail else person
