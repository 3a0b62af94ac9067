"""The Hugging Face hub as the installer sees it: a repo's file list at one commit, file URLs,
the hub cache, and token checks, all through `huggingface_hub`.

The hub is configuration, not user input: `HF_ENDPOINT` (default https://huggingface.co),
`HF_HUB_OFFLINE` and the cache folder (`HF_HUB_CACHE`, else `HF_HOME/hub`) are read from the
environment when the server starts. The token (set by an administrator, else `HF_TOKEN`) is sent
to that endpoint only; `huggingface_hub`'s HTTP client drops it on redirects to other hosts.
Every failure becomes a `HubError` whose message is one line fit for a job's `error`.
`huggingface_hub` and its HTTP client are imported on first use, not when the server starts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# huggingface_hub otherwise fetches a telemetry registry from the hub (read when it is first
# imported): a self-hosted server keeps quiet unless its administrator asks for it.
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

from gesso.models.sources import MalformedRepoId, checked_repo_path

DEFAULT_ENDPOINT = "https://huggingface.co"
METADATA_TIMEOUT = 30.0
TokenStatus = Literal["valid", "invalid", "unknown"]


class HubError(Exception):
    """A hub problem; `str()` is one line saying what went wrong and, where it helps, what to do."""


class HubRepoNotFound(HubError):
    pass


class HubGatedRepo(HubError):
    pass


class HubUnavailable(HubError):
    pass


class HubFileListRefused(HubError):
    """The hub listed a file whose path is not a plain path inside the repo."""


@dataclass(frozen=True)
class HubConfig:
    endpoint: str
    offline: bool
    cache_dir: Path
    env_token: str | None = None

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> HubConfig:
        env = os.environ if env is None else env
        if env.get("HF_HUB_CACHE"):
            cache = Path(env["HF_HUB_CACHE"])
        elif env.get("HF_HOME"):
            cache = Path(env["HF_HOME"]) / "hub"
        else:
            cache = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "huggingface" / "hub"
        offline = any(
            env.get(key, "").upper() in ("1", "ON", "YES", "TRUE")
            for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
        )
        return cls(
            endpoint=(env.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/"),
            offline=offline,
            cache_dir=cache.expanduser(),
            env_token=env.get("HF_TOKEN") or None,
        )


@dataclass(frozen=True)
class RepoFile:
    path: str  # relative to the repo root, checked by `checked_repo_path`
    size: int | None
    sha256: str | None = None  # known for LFS files; checked after the download


@dataclass(frozen=True)
class RepoSnapshot:
    repo_id: str
    commit: str
    files: tuple[RepoFile, ...]
    gated: bool = False
    from_cache: bool = False  # offline: the files come from the hub cache only


class HubClient:
    def __init__(self, config: HubConfig, stored_token: Callable[[], str | None]) -> None:
        self.config = config
        self._stored_token = stored_token

    @property
    def endpoint(self) -> str:
        return self.config.endpoint

    def token(self) -> str | None:
        return self._stored_token() or self.config.env_token

    def with_token(self, token: str) -> HubClient:
        """The same hub, authenticated with `token` (a one-off token given with an install)."""
        return HubClient(self.config, stored_token=lambda: token)

    def auth_headers(self) -> dict[str, str]:
        """Headers for requests to the configured hub (never for other hosts)."""
        from huggingface_hub.utils._headers import build_hf_headers

        return build_hf_headers(token=self.token() or False, library_name="gesso")

    def snapshot(self, repo_id: str, revision: str) -> RepoSnapshot:
        """The repo's files (with sizes and LFS hashes) at `revision`, pinned to its commit."""
        if self.config.offline:
            return self._cached_snapshot(repo_id, revision)
        from huggingface_hub import HfApi

        token = self.token()
        try:
            info = HfApi(endpoint=self.endpoint, library_name="gesso").model_info(
                repo_id,
                revision=None if revision == "main" else revision,
                files_metadata=True,
                timeout=METADATA_TIMEOUT,
                token=token or False,
            )
        except Exception as exc:
            raise self.error_for(exc, repo_id, revision=revision) from None
        files = []
        for sibling in info.siblings or []:
            size = sibling.size if sibling.size is not None else (sibling.lfs.size if sibling.lfs else None)
            files.append(
                RepoFile(
                    path=_listed_path(sibling.rfilename, repo_id),
                    size=size,
                    sha256=sibling.lfs.sha256 if sibling.lfs else None,
                )
            )
        return RepoSnapshot(
            repo_id=repo_id, commit=info.sha or revision, files=tuple(files), gated=bool(info.gated)
        )

    def file_url(self, repo_id: str, path: str, commit: str) -> str:
        from huggingface_hub import hf_hub_url

        return hf_hub_url(repo_id, path, revision=commit, endpoint=self.endpoint)

    def cached_file(self, repo_id: str, path: str, commit: str) -> Path | None:
        """The file from the hub cache when it holds this commit's version, else None."""
        from huggingface_hub import try_to_load_from_cache

        found = try_to_load_from_cache(repo_id, path, cache_dir=self.config.cache_dir, revision=commit)
        return Path(found) if isinstance(found, str) else None

    def token_status(self, token: str) -> TokenStatus:
        if self.config.offline:
            return "unknown"
        from huggingface_hub import HfApi
        from huggingface_hub.errors import HfHubHTTPError

        try:
            HfApi(endpoint=self.endpoint, library_name="gesso").whoami(token=token)
        except HfHubHTTPError as exc:
            return "invalid" if exc.response.status_code in (401, 403) else "unknown"
        except Exception:
            return "unknown"
        return "valid"

    def error_for(self, exc: BaseException, repo_id: str, *, revision: str = "main") -> HubError:
        """One-line `HubError` for an exception from `huggingface_hub` or the HTTP client."""
        if isinstance(exc, HubError):
            return exc
        import httpx2
        from huggingface_hub.errors import (
            GatedRepoError,
            HfHubHTTPError,
            OfflineModeIsEnabled,
            RemoteEntryNotFoundError,
            RepositoryNotFoundError,
            RevisionNotFoundError,
        )

        if isinstance(exc, GatedRepoError):
            return self.gated_error(repo_id)
        if isinstance(exc, RevisionNotFoundError):
            return HubRepoNotFound(f"Revision {revision!r} of {repo_id} was not found on {self.endpoint}")
        if isinstance(exc, RemoteEntryNotFoundError):
            return HubRepoNotFound(f"A file of {repo_id} was not found on {self.endpoint} (HTTP 404)")
        if isinstance(exc, RepositoryNotFoundError):
            hint = "" if self.token() else " (if it is private, set a Hugging Face token that can read it)"
            return HubRepoNotFound(f"Repository {repo_id} was not found on {self.endpoint}{hint}")
        if isinstance(exc, OfflineModeIsEnabled):
            return HubUnavailable(f"HF_HUB_OFFLINE is set: {repo_id} cannot be fetched from {self.endpoint}")
        if isinstance(exc, HfHubHTTPError):
            return HubUnavailable(f"{self.endpoint} answered HTTP {exc.response.status_code} for {repo_id}")
        if isinstance(exc, httpx2.HTTPError):
            return HubUnavailable(f"Cannot reach {self.endpoint}: {type(exc).__name__}")
        if isinstance(exc, ValueError | TypeError | KeyError):
            return HubUnavailable(f"{self.endpoint} sent an answer about {repo_id} that could not be read")
        return HubUnavailable(f"Fetching {repo_id} from {self.endpoint} failed: {type(exc).__name__}")

    def gated_error(self, repo_id: str) -> HubGatedRepo:
        if self.token():
            return HubGatedRepo(
                f"{repo_id} is a gated repository and the Hugging Face token has no access to it: "
                f"accept its terms at {self.endpoint}/{repo_id} with the token's account"
            )
        return HubGatedRepo(
            f"{repo_id} is a gated repository: a Hugging Face token is needed (set one in Models → "
            "Hugging Face token, for an account that has accepted the repo's terms)"
        )

    def _cached_snapshot(self, repo_id: str, revision: str) -> RepoSnapshot:
        folder = self.config.cache_dir / f"models--{repo_id.replace('/', '--')}"
        ref = folder / "refs" / revision
        commit = ref.read_text(encoding="utf-8").strip() if ref.is_file() else revision
        snapshot = folder / "snapshots" / commit
        if not snapshot.is_dir():
            raise HubUnavailable(
                f"HF_HUB_OFFLINE is set and {repo_id} is not in the hub cache ({self.config.cache_dir})"
            )
        files = tuple(
            RepoFile(
                path=_listed_path(str(p.relative_to(snapshot).as_posix()), repo_id), size=p.stat().st_size
            )
            for p in sorted(snapshot.rglob("*"))
            if p.is_file()
        )
        return RepoSnapshot(repo_id=repo_id, commit=commit, files=files, from_cache=True)


def _listed_path(path: str, repo_id: str) -> str:
    try:
        return checked_repo_path(path, what=f"a file listed by the hub for {repo_id}")
    except MalformedRepoId as exc:
        raise HubFileListRefused(
            f"{exc.detail}; refusing to install from a file list that points outside the repo"
        ) from None
