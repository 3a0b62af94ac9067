"""Install jobs as the API shows them: their states, sources and download parts."""

from __future__ import annotations

import functools

from gesso.errors import NotFound
from gesso.models.schemas import (
    DownloadPart,
    HFModelSource,
    LocalModelSource,
    ModelInstallJob,
    ModelSource,
    URLModelSource,
)
from gesso.models.sources import HubSource, LocalSource, Source, UrlSource

TERMINAL = ("completed", "error", "cancelled")


class InstallJobNotFound(NotFound):
    def __init__(self, job_id: int) -> None:
        super().__init__(f"No job with id {job_id} known")


@functools.cache
def gpu_variant() -> str | None:
    """fp16 weights when generation runs on a GPU (CUDA or Apple's MPS), else the defaults."""
    try:
        import torch
    except ImportError:
        return None
    mps = getattr(torch.backends, "mps", None)
    return "fp16" if torch.cuda.is_available() or (mps is not None and mps.is_available()) else None


def wire_source(parsed: Source | None, text: str, inplace: bool) -> ModelSource:
    if isinstance(parsed, LocalSource):
        return LocalModelSource(path=str(parsed.path), inplace=inplace)
    if isinstance(parsed, UrlSource):
        return URLModelSource(url=parsed.url)
    if isinstance(parsed, HubSource):
        return HFModelSource(repo_id=parsed.repo_id, variant=parsed.variant, subfolder=parsed.subfolder)
    return HFModelSource(repo_id=text.strip()[:256])


def ended_parts(job: ModelInstallJob, status: str) -> list[DownloadPart]:
    """The job's download parts with the unfinished ones marked as ended with `status`."""
    return [
        part if part.status == "completed" else part.model_copy(update={"status": status})
        for part in job.download_parts
    ]


def source_key(source: ModelSource) -> str:
    """A job's source as records keep it: the path, the URL, or `owner/name[::sub]`."""
    if isinstance(source, LocalModelSource):
        return source.path
    if isinstance(source, URLModelSource):
        return source.url
    return source.repo_id + (f"::{source.subfolder}" if source.subfolder else "")
