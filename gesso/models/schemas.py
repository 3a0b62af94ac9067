"""Wire models for `/api/v2/models` (InvokeAI's field names: config, changes, install jobs)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gesso.models.schedulers import SchedulerName
from gesso.models.store import Grants, ModelRecord

BaseModelType = Literal["any", "sd-1", "sd-2", "sdxl", "sdxl-refiner"]
ModelType = Literal["main", "vae", "lora", "controlnet", "spandrel_image_to_image"]
ModelFormat = Literal["diffusers", "checkpoint", "lycoris"]
InstallStatus = Literal[
    "waiting", "downloading", "downloads_done", "running", "completed", "error", "cancelled"
]


class MainModelDefaultSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vae: str | None = None
    vae_precision: Literal["fp16", "fp32"] | None = None
    scheduler: SchedulerName | None = None
    steps: int | None = Field(default=None, gt=0, le=500)
    cfg_scale: float | None = Field(default=None, ge=1, le=50)
    cfg_rescale_multiplier: float | None = Field(default=None, ge=0, lt=1)
    width: int | None = Field(default=None, ge=64, le=8192, multiple_of=8)
    height: int | None = Field(default=None, ge=64, le=8192, multiple_of=8)
    guidance: float | None = Field(default=None, ge=1)


class ModelConfig(BaseModel):
    """One installed model (InvokeAI's AnyModelConfig fields for SD main, VAE and LoRA)."""

    key: str
    hash: str
    path: str
    file_size: int
    name: str
    description: str | None = None
    source: str
    source_type: Literal["path", "url", "hf_repo_id"]
    source_api_response: str | None = None
    cover_image: str | None = None
    base: str
    type: str
    format: str
    default_settings: dict[str, Any] | None = None
    trigger_phrases: list[str] | None = None
    variant: str | None = None
    prediction_type: str | None = None
    repo_variant: str | None = None
    config_path: str | None = None
    # Who may use it (SPEC §17); the allowed lists are shown to administrators only.
    access: Literal["everyone", "restricted"] = "everyone"
    allowed_user_ids: list[str] = Field(default_factory=list)
    allowed_group_ids: list[str] = Field(default_factory=list)

    @classmethod
    def from_record(cls, record: ModelRecord, grants: Grants | None = None) -> ModelConfig:
        extra = record.config
        return cls(
            access=record.access,
            allowed_user_ids=grants.user_ids if grants else [],
            allowed_group_ids=grants.group_ids if grants else [],
            key=record.key,
            hash=record.hash,
            path=record.path,
            file_size=record.file_size,
            name=record.name,
            description=record.description,
            source=record.source,
            source_type=record.source_type,
            base=record.base,
            type=record.type,
            format=record.format,
            default_settings=record.default_settings,
            trigger_phrases=extra.get("trigger_phrases"),
            variant=extra.get("variant"),
            prediction_type=extra.get("prediction_type"),
            repo_variant=extra.get("repo_variant"),
            config_path=extra.get("config_path"),
        )


class ModelsList(BaseModel):
    models: list[ModelConfig]


class ModelRecordChanges(BaseModel):
    """PATCH body and install `config`: only the fields that are set are applied."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=256)
    description: str | None = Field(default=None, max_length=10_000)
    base: BaseModelType | None = None
    type: ModelType | None = None
    default_settings: MainModelDefaultSettings | None = None
    trigger_phrases: list[str] | None = Field(default=None, max_length=100)
    variant: Literal["normal", "inpaint", "depth"] | None = None
    prediction_type: Literal["epsilon", "v_prediction", "sample"] | None = None
    access: Literal["everyone", "restricted"] | None = None
    allowed_user_ids: list[str] | None = Field(default=None, max_length=10_000)
    allowed_group_ids: list[str] | None = Field(default=None, max_length=10_000)


class FoundModel(BaseModel):
    path: str
    is_installed: bool


class LocalModelSource(BaseModel):
    """A file or folder on the server."""

    path: str
    inplace: bool | None = False
    type: Literal["local"] = "local"


class HFModelSource(BaseModel):
    """A Hugging Face repo (or a folder or file in it). `variant` is the weights variant chosen;
    `access_token` is always null: the hub token stays on the server."""

    repo_id: str
    variant: str | None = None
    subfolder: str | None = None
    access_token: None = None
    type: Literal["hf"] = "hf"


class URLModelSource(BaseModel):
    """One file downloaded over http(s)."""

    url: str
    access_token: None = None
    type: Literal["url"] = "url"


ModelSource = Annotated[LocalModelSource | HFModelSource | URLModelSource, Field(discriminator="type")]


class DownloadPart(BaseModel):
    """One file of a download (InvokeAI's `DownloadJob` fields that describe it)."""

    id: int
    source: str
    dest: str
    download_path: str | None = None
    status: Literal["waiting", "running", "completed", "error", "cancelled"] = "waiting"
    bytes: int = 0
    total_bytes: int = 0
    error_type: str | None = None
    error: str | None = None


class ModelInstallJob(BaseModel):
    id: int
    status: InstallStatus
    error_reason: str | None = None
    error: str | None = None
    error_traceback: str | None = None
    config_in: dict[str, Any] = Field(default_factory=dict)
    config_out: ModelConfig | None = None
    inplace: bool = False
    source: ModelSource
    local_path: str | None = None
    bytes: int = 0
    total_bytes: int = 0
    source_metadata: dict[str, Any] | None = None
    download_parts: list[DownloadPart] = Field(default_factory=list)


class StarterModelWithoutDependencies(BaseModel):
    """A curated model offered for one-click install (InvokeAI's starter model fields)."""

    description: str
    source: str
    name: str
    base: BaseModelType
    type: ModelType
    format: ModelFormat | None = None
    variant: str | None = None
    is_installed: bool = False
    capabilities: dict[str, Any] | None = None
    default_settings: dict[str, Any] | None = None
    panel_schema: dict[str, Any] | None = None
    previous_names: list[str] = Field(default_factory=list)


class StarterModel(StarterModelWithoutDependencies):
    """`dependencies` are installed along with the model; ones already installed are left out."""

    dependencies: list[StarterModelWithoutDependencies] | None = None


class StarterModelBundle(BaseModel):
    name: str
    models: list[StarterModel]


class StarterModelResponse(BaseModel):
    starter_models: list[StarterModel]
    starter_bundles: dict[str, StarterModelBundle]


HFTokenStatus = Literal["valid", "invalid", "unknown"]


class HFToken(BaseModel):
    """Body of `POST /api/v2/models/hf_login`."""

    token: str = Field(min_length=1, max_length=1024, pattern=r"^[\x21-\x7e]+$")
