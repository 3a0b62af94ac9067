"""`/api/v2/models`: anyone may list and read; every change is for administrators (403 for
others, 401 anonymous in multi-user mode)."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response

from gesso.api.deps import Models
from gesso.auth.actor import Actor
from gesso.auth.deps import AdminUser, CurrentUser
from gesso.models.schemas import (
    BaseModelType,
    FoundModel,
    HFToken,
    HFTokenStatus,
    ModelConfig,
    ModelFormat,
    ModelInstallJob,
    ModelRecordChanges,
    ModelsList,
    ModelType,
    StarterModelResponse,
)
from gesso.models.service import ModelService
from gesso.models.store import ModelRecord

router = APIRouter(prefix="/v2/models", tags=["model_manager"])


def configs(records: list[ModelRecord], actor: Actor, models: ModelService) -> list[ModelConfig]:
    """Wire shapes; administrators also see who may use each model."""
    grants = models.grants([r.key for r in records]) if actor.is_admin else {}
    return [ModelConfig.from_record(r, grants.get(r.key)) for r in records]


@router.get("/", response_model=ModelsList, name="list_model_records")
def list_model_records(
    actor: CurrentUser,
    models: Models,
    base_models: Annotated[list[BaseModelType] | None, Query()] = None,
    model_type: ModelType | None = None,
    model_name: str | None = None,
    model_format: ModelFormat | None = None,
) -> ModelsList:
    filters = {"base_models": base_models, "model_type": model_type, "model_name": model_name}
    records = models.list_models(actor, model_format=model_format, **filters)
    return ModelsList(models=configs(records, actor, models))


@router.get("/get_by_attrs", response_model=ModelConfig, name="get_model_records_by_attrs")
def get_model_records_by_attrs(
    actor: CurrentUser, models: Models, name: str, type: ModelType, base: BaseModelType
) -> ModelConfig:
    return configs([models.get_by_attrs(name, type, base, actor)], actor, models)[0]


@router.get("/scan_folder", response_model=list[FoundModel], name="scan_for_models")
def scan_for_models(admin: AdminUser, models: Models, scan_path: str) -> list[FoundModel]:
    return models.scan_folder(scan_path)


@router.get("/i/{key}", response_model=ModelConfig, name="get_model_record")
def get_model_record(key: str, actor: CurrentUser, models: Models) -> ModelConfig:
    return configs([models.get_model(key, actor)], actor, models)[0]


@router.patch("/i/{key}", response_model=ModelConfig, name="update_model_record")
def update_model_record(
    key: str, changes: ModelRecordChanges, admin: AdminUser, models: Models
) -> ModelConfig:
    values = changes.model_dump(exclude_unset=True, mode="json")
    return configs([models.update_model(key, values, by=admin)], admin, models)[0]


@router.delete("/i/{key}", status_code=204, response_class=Response, name="delete_model")
def delete_model(key: str, admin: AdminUser, models: Models) -> Response:
    models.delete_model(key, by=admin)
    return Response(status_code=204)


@router.post("/install", response_model=ModelInstallJob, status_code=201, name="install_model")
def install_model(
    admin: AdminUser,
    models: Models,
    source: Annotated[str, Query(min_length=1, max_length=4096)],
    inplace: bool = False,
    sha256: Annotated[str | None, Query(pattern="^[0-9a-fA-F]{64}$")] = None,
    access_token: Annotated[str | None, Query(max_length=1024, pattern=r"^[\x21-\x7e]+$")] = None,
    config: Annotated[ModelRecordChanges | None, Body()] = None,
) -> ModelInstallJob:
    """Install from a server path, an http(s) URL or a Hugging Face repo (`owner/name`,
    `owner/name:subfolder`, `owner/name::file.safetensors`, `https://huggingface.co/owner/name`).
    `access_token` is used for this install only and never returned."""
    install = partial(models.install, inplace=inplace, sha256=sha256, access_token=access_token, by=admin)
    return install(source, config=config.model_dump(exclude_unset=True, mode="json") if config else {})


@router.get("/install", response_model=list[ModelInstallJob], name="list_model_installs")
def list_model_installs(admin: AdminUser, models: Models) -> list[ModelInstallJob]:
    return models.installer.list()


@router.delete("/install", status_code=204, response_class=Response, name="prune_model_install_jobs")
def prune_model_install_jobs(admin: AdminUser, models: Models) -> Response:
    models.installer.prune()
    return Response(status_code=204)


@router.get("/install/{id}", response_model=ModelInstallJob, name="get_model_install_job")
def get_model_install_job(id: int, admin: AdminUser, models: Models) -> ModelInstallJob:
    return models.installer.get(id)


@router.delete("/install/{id}", status_code=201, response_model=None, name="cancel_model_install_job")
def cancel_model_install_job(id: int, admin: AdminUser, models: Models) -> None:
    models.installer.cancel(id)


@router.get("/starter_models", response_model=StarterModelResponse, name="get_starter_models")
def get_starter_models(admin: AdminUser, models: Models) -> StarterModelResponse:
    """The curated starter models, each marked `is_installed`; dependencies already installed
    are left out of `dependencies`."""
    return models.starter_models()


@router.get("/hf_login", response_model=HFTokenStatus, name="get_hf_login_status")
def get_hf_login_status(actor: CurrentUser, models: Models) -> HFTokenStatus:
    """Whether a Hugging Face token is set and the hub accepts it; the token is never returned."""
    return models.hub_token_status()


@router.post("/hf_login", response_model=HFTokenStatus, name="do_hf_login")
def do_hf_login(admin: AdminUser, models: Models, body: HFToken) -> HFTokenStatus:
    """Store a Hugging Face token, sent only to the configured hub (a token the hub rejects is
    not stored: the answer is `invalid`)."""
    return models.set_hub_token(body.token)


@router.delete("/hf_login", response_model=HFTokenStatus, name="reset_hf_token")
def reset_hf_token(admin: AdminUser, models: Models) -> HFTokenStatus:
    return models.clear_hub_token()
