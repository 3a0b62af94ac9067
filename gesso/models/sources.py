"""What the `source` of an install names: a path on the server, a URL, or a Hugging Face repo.

Repo forms (InvokeAI's, plus one): `owner/name`, `owner/name:variant`, `owner/name:variant:sub`,
`owner/name::sub` and `owner/name:sub`, where `sub` is a folder or a single file in the repo
(`owner/name::path/model.safetensors`) and `variant` is one of `VARIANTS` (a single-colon part
that is not a variant name is a subfolder). `https://huggingface.co/owner/name` URLs (and their
`/tree/<rev>/<folder>`, `/resolve/<rev>/<file>` and `/blob/<rev>/<file>` forms) name a repo too,
as do URLs on the configured hub. Everything else with a scheme is a plain URL download.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from gesso.errors import InvalidInput

VARIANTS = ("fp16", "fp32", "bf16")
UNSUPPORTED_VARIANTS = ("onnx", "openvino", "flax")
HUB_HOSTS = ("huggingface.co", "www.huggingface.co", "hf.co")
MAX_PATH_CHARS = 1024
_NAME_PART = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_REVISION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$")


class UnsupportedSource(InvalidInput):
    """Not a path, a URL or anything that looks like a repo id."""


class MalformedRepoId(InvalidInput):
    """Meant as a Hugging Face repo, but not a valid one; the message says what is wrong."""


@dataclass(frozen=True)
class LocalSource:
    path: Path


@dataclass(frozen=True)
class UrlSource:
    url: str


@dataclass(frozen=True)
class HubSource:
    repo_id: str
    variant: str | None = None  # asked for in the source; None lets the server choose
    subfolder: str | None = None  # a folder in the repo, or one file (see `is_single_file`)
    revision: str = "main"

    @property
    def is_single_file(self) -> bool:
        """A subfolder whose last part has a file suffix names one file (`::dir/model.safetensors`)."""
        return self.subfolder is not None and bool(Path(self.subfolder).suffix)

    @property
    def canonical(self) -> str:
        """The form records keep as their `source` (and starter models are matched by)."""
        return self.repo_id + (f"::{self.subfolder}" if self.subfolder else "")

    @property
    def name(self) -> str:
        """What the installed folder (or file) is called."""
        repo_name = self.repo_id.split("/", 1)[1]
        if self.subfolder is None:
            return repo_name
        if self.is_single_file:
            return self.subfolder.rsplit("/", 1)[-1]
        return f"{repo_name}_{self.subfolder.replace('/', '_')}"


Source = LocalSource | UrlSource | HubSource


def parse_source(text: str, hub_endpoint: str | None = None) -> Source:
    """Classify `text`. Raises `UnsupportedSource` or `MalformedRepoId` (both 400s) when it is
    not usable; `hub_endpoint` is the configured hub, whose URLs are repo sources too."""
    value = text.strip().strip('"').strip()
    if not value:
        raise UnsupportedSource("Unsupported model source: empty")
    if _SCHEME.match(value):
        return _hub_url(value, hub_endpoint) or UrlSource(value)
    if value.startswith(("/", "~")) or re.match(r"^[A-Za-z]:[\\/]", value):
        return LocalSource(Path(value).expanduser())
    return parse_repo_id(value)


def looks_like_repo_id(text: str) -> bool:
    """Not a URL and not a path: the studio and the installer treat it as a repo id attempt."""
    value = text.strip().strip('"').strip()
    return bool(value) and not _SCHEME.match(value) and not value.startswith(("/", "~", "\\"))


def parse_repo_id(value: str) -> HubSource:
    repo, _, rest = value.partition(":")
    repo_id = _checked_repo_id(repo, value)
    variant: str | None = None
    subfolder: str | None = None
    if rest:
        first, separator, second = rest.partition(":")
        if separator and first and first not in VARIANTS:
            raise MalformedRepoId(
                f"Malformed Hugging Face source {value!r}: {first!r} is not a variant "
                f"(use one of {', '.join(VARIANTS)}, or owner/name::path for a subfolder or file)"
            )
        if first in UNSUPPORTED_VARIANTS:
            raise MalformedRepoId(f"The {first} variant cannot be used here: Gesso loads safetensors weights")
        if separator:
            variant, subfolder = first or None, second
        elif first in VARIANTS:
            variant = first
        else:
            subfolder = first
    if subfolder is not None:
        subfolder = checked_repo_path(subfolder.lstrip("/"), what=f"the path in {value!r}")
    return HubSource(repo_id=repo_id, variant=variant, subfolder=subfolder)


def _checked_repo_id(repo: str, whole: str) -> str:
    parts = repo.split("/")
    problem = None
    if len(parts) != 2:
        problem = "a repo id is owner/name (exactly one /)"
    elif not all(_NAME_PART.match(part) for part in parts):
        problem = "owner and name use letters, digits, '-', '_' and '.', up to 96 characters"
    elif any("--" in part or ".." in part for part in parts):
        problem = "'--' and '..' are not allowed in a repo id"
    if problem:
        raise MalformedRepoId(f"Malformed Hugging Face repo id {whole[:200]!r}: {problem}")
    return repo


def checked_repo_path(path: str, *, what: str = "a path in the repo") -> str:
    """A relative path inside a repo: '/'-separated, no empty, '.' or '..' parts, no
    backslashes or control characters. Raises MalformedRepoId naming `what`."""
    parts = path.split("/")
    if (
        not path
        or len(path) > MAX_PATH_CHARS
        or "\\" in path
        or any(ord(char) < 32 or ord(char) == 127 for char in path)
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise MalformedRepoId(f"Refused {what}: {path[:200]!r} is not a plain relative path inside the repo")
    return path


def _hub_url(url: str, hub_endpoint: str | None) -> HubSource | None:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = unquote(parts.path)
    on_configured_hub = False
    if hub_endpoint:
        hub = urlsplit(hub_endpoint)
        prefix = hub.path.rstrip("/")
        on_configured_hub = (parts.scheme, parts.netloc.lower()) == (hub.scheme, hub.netloc.lower())
        if on_configured_hub and prefix:
            on_configured_hub = path.startswith(prefix + "/")
            path = path[len(prefix) :]
    if host not in HUB_HOSTS and not on_configured_hub:
        return None
    segments = [segment for segment in path.split("/") if segment]
    if len(segments) < 2 or segments[0] in ("api", "datasets", "spaces"):
        raise MalformedRepoId(f"Unsupported Hugging Face URL {url[:200]!r}: expected a model repo URL")
    repo_id = _checked_repo_id("/".join(segments[:2]), url)
    if len(segments) == 2:
        return HubSource(repo_id=repo_id)
    kind = segments[2]
    if kind not in ("tree", "resolve", "blob") or len(segments) < 4 or not _REVISION.match(segments[3]):
        raise MalformedRepoId(
            f"Unsupported Hugging Face URL {url[:200]!r}: expected /owner/name, "
            "/owner/name/tree/<revision>/<folder> or /owner/name/resolve/<revision>/<file>"
        )
    inner = "/".join(segments[4:])
    subfolder = checked_repo_path(inner, what=f"the path in {url[:200]!r}") if inner else None
    return HubSource(repo_id=repo_id, subfolder=subfolder, revision=segments[3])


def redacted_source(source: str) -> str:
    """A source as the audit log may keep it: a URL loses its user info, query and fragment
    (where signed URLs and inline credentials live); paths and repo ids stay as they are."""
    parts = urlsplit(source)
    if parts.scheme.lower() not in ("http", "https"):
        return source
    host = parts.netloc.rpartition("@")[2]
    netloc = host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
