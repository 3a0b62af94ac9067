"""`ModelLoader`: installed model records → loaded models for the generation nodes (`NodeModels`).

Nothing is loaded until a node asks: creating the loader imports neither torch nor diffusers.
Main models (as diffusers pipelines whose components nodes take one by one), VAEs, LoRA layers,
ControlNets and upscalers live in a `ModelCache` under a byte budget. Nodes that change shared
modules for one use (LoRA weights, seamless padding, clip skip) do it under `patch_lock` and put
everything back afterwards, so the cached models stay clean.

Device: CUDA, then MPS, then CPU; dtype float16 on CUDA/MPS, float32 on CPU.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from gesso.auth.actor import Actor
from gesso.db.engine import Database
from gesso.engine.context import ModelInfo
from gesso.errors import GessoError, InvalidInput, NotFound
from gesso.models.access import ModelAccessDenied, may_use
from gesso.models.cache import ModelCache, estimate_size
from gesso.models.lora import LoraLayer, UnknownLoraLayout, parse_layers
from gesso.models.store import ModelRecord, get_model
from gesso.models.upscalers import describe as describe_upscaler

MAIN_BASES = ("sd-1", "sd-2", "sdxl", "sdxl-refiner")
SUBMODELS = ("unet", "text_encoder", "text_encoder_2", "tokenizer", "tokenizer_2", "vae", "scheduler")
# Enough of SDXL's UNet config for diffusers' mapping of original block names in kohya LoRAs.
SDXL_UNET_LAYOUT = {"layers_per_block": 2}


class UnknownModel(NotFound):
    """No installed model has this key."""


class IncompatibleModel(InvalidInput):
    """The model exists but cannot be used here (wrong type, or a base that does not match)."""


class ModelLoadError(GessoError):
    """The model's files could not be loaded; the message says why."""


def pick_device() -> str:
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def dtype_for(device: str) -> str:
    return "float16" if device.split(":")[0] in ("cuda", "mps") else "float32"


def identifier(record: ModelRecord) -> dict[str, Any]:
    """InvokeAI's `ModelIdentifierField` for `record`."""
    return {
        "key": record.key,
        "hash": record.hash,
        "name": record.name,
        "base": record.base,
        "type": record.type,
    }


def vae_family(base: str) -> str:
    """SD 1.x and 2.x share one VAE architecture (the probe calls every non-XL VAE sd-1)."""
    return "sdxl" if base.startswith("sdxl") else "sd"


def _layers_size(layers: list[LoraLayer]) -> int:
    return sum(int(t.nbytes) for layer in layers for t in layer.tensors.values())


class ModelLoader:
    def __init__(
        self,
        db: Database,
        models_dir: Path,
        cache_bytes: int,
        *,
        device: str | None = None,
        dtype: str | None = None,
    ) -> None:
        self._db = db
        self._models_dir = models_dir
        self._device = device
        self._dtype = dtype
        self.cache = ModelCache(cache_bytes, on_evict=self._free_device_memory)
        self._use_lock = threading.RLock()

    # -- device ------------------------------------------------------------------------------

    @property
    def device(self) -> str:
        if self._device is None:
            self._device = pick_device()
        return self._device

    @property
    def known_device(self) -> str | None:
        """The device if chosen (configured, or picked by a first load); None before that.
        Asking costs nothing: `device` imports torch to choose."""
        return self._device

    @property
    def dtype(self) -> str:
        return self._dtype or dtype_for(self.device)

    def _dtype_option(self) -> dict[str, Any]:
        """The dtype keyword for `from_pretrained`: diffusers renamed `torch_dtype` to `dtype`."""
        import diffusers.utils
        import torch

        name = "dtype" if hasattr(diffusers.utils, "_resolve_dtype") else "torch_dtype"
        return {name: getattr(torch, self.dtype)}

    def _free_device_memory(self) -> None:
        if self._device is not None and self._device.startswith("cuda"):
            import gc

            import torch

            gc.collect()
            torch.cuda.empty_cache()

    # -- records -----------------------------------------------------------------------------

    def record(self, key: str, owner: Actor | None = None) -> ModelRecord:
        """The model's record; with `owner`, only if they may use it (checked at every load,
        since access can be revoked while an item waits)."""
        with self._db.read() as conn:
            record = get_model(conn, key)
            allowed = record is None or owner is None or may_use(conn, owner, key)
        if record is None:
            raise UnknownModel(f"Model {key!r} is not installed")
        if not allowed:
            raise ModelAccessDenied(record.name, key)
        return record

    def _expect(self, key: str, model_type: str, role: str) -> ModelRecord:
        record = self.record(key)
        if record.type != model_type:
            raise IncompatibleModel(
                f"Model {record.name!r} ({key}) is a {record.type} model and cannot be used as the {role}"
            )
        return record

    def loaded_models(self) -> list[str]:
        """Keys of the models with anything in the cache, most recently used last."""
        return list(dict.fromkeys(cached.split("|", 1)[0] for cached in self.cache.lru_keys()))

    def loaded_main_models(self) -> list[str]:
        """Keys of the main models in the cache (what model-aware dispatch prefers)."""
        parts = (cached.split("|") for cached in self.cache.lru_keys())
        return list(dict.fromkeys(p[0] for p in parts if len(p) > 1 and p[1] == "main"))

    def forget(self, key: str) -> int:
        """Drop everything cached for model `key` (after it was deleted, moved or changed)."""
        return self.cache.discard_prefix(f"{key}|")

    # -- loading -----------------------------------------------------------------------------

    def _cache_key(self, record: ModelRecord) -> str:
        return f"{record.key}|{record.type}|{record.hash}|{record.path}"

    def _path(self, record: ModelRecord) -> Path:
        path = record.resolved_path(self._models_dir)
        if not path.exists():
            raise ModelLoadError(f"The files of model {record.name!r} are missing: {path}")
        return path

    def _main(self, record: ModelRecord) -> Any:
        if record.base not in MAIN_BASES:
            raise IncompatibleModel(f"Model {record.name!r} has base {record.base!r}, which Gesso cannot run")
        return self.cache.get_or_load(self._cache_key(record), lambda: self._load_main(record))

    def _load_main(self, record: ModelRecord) -> Any:
        from diffusers import (
            StableDiffusionPipeline,
            StableDiffusionXLImg2ImgPipeline,
            StableDiffusionXLPipeline,
        )

        path = self._path(record)
        pipeline_class: Any = {
            "sdxl": StableDiffusionXLPipeline, "sdxl-refiner": StableDiffusionXLImg2ImgPipeline
        }.get(record.base, StableDiffusionPipeline)  # fmt: skip
        extra: dict[str, Any] = (
            {"add_watermarker": False}
            if record.base.startswith("sdxl")
            else {"safety_checker": None, "requires_safety_checker": False}
        )
        try:
            if record.format == "diffusers":
                pipe = pipeline_class.from_pretrained(
                    str(path),
                    local_files_only=True,
                    use_safetensors=True,
                    **self._dtype_option(),
                    variant=_variant(path),
                    **extra,
                )
            elif record.format == "checkpoint":
                # A single-file checkpoint holds weights only: diffusers needs the base model's
                # configs (UNet, VAE, text encoders, tokenizers, scheduler) to build the pipeline and
                # fetches them from the Hugging Face hub unless they are already in its cache. An
                # offline server can only load checkpoints whose base configs were cached before;
                # diffusers folders (what the tests use) need nothing beyond their own files.
                pipe = pipeline_class.from_single_file(str(path), **self._dtype_option(), **extra)
            else:
                raise IncompatibleModel(f"Model {record.name!r} has format {record.format!r}, not loadable")
        except GessoError:
            raise
        except Exception as exc:
            hint = (
                " (a single-file checkpoint needs its base model's configs from the Hugging Face hub "
                "or its local cache; install the model as a diffusers folder to avoid that)"
                if record.format == "checkpoint"
                else ""
            )
            raise ModelLoadError(
                f"Cannot load model {record.name!r}: {type(exc).__name__}: {exc}{hint}"
            ) from exc
        pipe.to(self.device)
        pipe.set_progress_bar_config(disable=True)
        return pipe

    def _vae(self, record: ModelRecord) -> Any:
        return self.cache.get_or_load(self._cache_key(record), lambda: self._load_vae(record))

    def _load_vae(self, record: ModelRecord) -> Any:
        from diffusers import AutoencoderKL

        path = self._path(record)
        vae_class: Any = AutoencoderKL
        try:
            if record.format == "diffusers":
                vae = vae_class.from_pretrained(
                    str(path), local_files_only=True, use_safetensors=True, **self._dtype_option()
                )
            else:  # a single file: the VAE config comes from the hub unless cached, as for checkpoints
                vae = vae_class.from_single_file(str(path), **self._dtype_option())
        except Exception as exc:
            raise ModelLoadError(f"Cannot load VAE {record.name!r}: {type(exc).__name__}: {exc}") from exc
        return vae.to(self.device)

    def _lora(self, record: ModelRecord) -> list[LoraLayer]:
        def load() -> list[LoraLayer]:
            try:
                return parse_layers(
                    self._load_lora(record), SDXL_UNET_LAYOUT if record.base == "sdxl" else None
                )
            except UnknownLoraLayout as exc:
                raise ModelLoadError(f"Cannot use LoRA {record.name!r}: {exc}") from exc

        return self.cache.get_or_load(self._cache_key(record), load, _layers_size)

    def _load_lora(self, record: ModelRecord) -> dict[str, Any]:
        from safetensors.torch import load_file

        path = self._path(record)
        if path.is_dir():
            files = sorted(path.glob("*.safetensors"))
            if len(files) != 1:
                raise ModelLoadError(f"LoRA {record.name!r}: expected one .safetensors file in {path}")
            path = files[0]
        try:
            return dict(load_file(str(path), device="cpu"))
        except Exception as exc:
            raise ModelLoadError(f"Cannot load LoRA {record.name!r}: {type(exc).__name__}: {exc}") from exc

    # -- what nodes call (`NodeModels`) -----------------------------------------------------

    @property
    def torch_dtype(self) -> Any:
        import torch

        return getattr(torch, self.dtype)

    @property
    def patch_lock(self) -> threading.RLock:
        return self._use_lock

    def describe(self, model_key: str, *, owner: Actor | None = None) -> ModelInfo:
        """The model's identity. `owner` is whom the graph runs for (model access rules hook in
        here; `NodeContext` always passes it)."""
        record = self.record(model_key, owner)
        return ModelInfo(record.key, record.hash, record.name, record.base, record.type, record.format)

    def load(self, model_key: str, submodel: str | None = None, *, owner: Actor | None = None) -> Any:
        """A main model's component, a VAE, a LoRA's layers, a ControlNet or an upscaler."""
        record = self.record(model_key, owner)
        if record.type == "main":
            pipe = self._main(record)
            if submodel is None:
                return pipe
            component = pipe.components.get(submodel) if submodel in SUBMODELS else None
            if component is None:
                raise IncompatibleModel(f"Model {record.name!r} ({record.base}) has no {submodel!r}")
            return component
        loaders = {"vae": self._vae, "lora": self._lora, "controlnet": self._controlnet,
                   "spandrel_image_to_image": self._upscaler}  # fmt: skip
        if record.type not in loaders:
            raise IncompatibleModel(
                f"Model {record.name!r} is a {record.type} model, which Gesso cannot load"
            )
        return loaders[record.type](record)

    def _controlnet(self, record: ModelRecord) -> Any:
        return self.cache.get_or_load(self._cache_key(record), lambda: self._load_controlnet(record))

    def _load_controlnet(self, record: ModelRecord) -> Any:
        from diffusers import ControlNetModel

        path = self._path(record)
        model_class: Any = ControlNetModel
        try:
            if record.format == "diffusers":
                model = model_class.from_pretrained(
                    str(path), local_files_only=True, use_safetensors=True, **self._dtype_option()
                )
            else:  # a single file: the config comes from the hub unless cached, as for checkpoints
                model = model_class.from_single_file(str(path), **self._dtype_option())
        except Exception as exc:
            raise ModelLoadError(
                f"Cannot load ControlNet {record.name!r}: {type(exc).__name__}: {exc}"
            ) from exc
        return model.to(self.device)

    def _upscaler(self, record: ModelRecord) -> Any:
        def load() -> Any:
            try:
                return describe_upscaler(self._path(record)).to(self.device).eval()
            except ValueError as exc:
                raise ModelLoadError(f"Cannot load {record.name!r}: {exc}") from exc

        return self.cache.get_or_load(self._cache_key(record), load, _descriptor_size)


def _descriptor_size(descriptor: Any) -> int:
    return estimate_size(getattr(descriptor, "model", None))


def _variant(path: Path) -> str | None:
    """`fp16` for a diffusers folder whose UNet ships only fp16-variant weights."""
    unet = path / "unet"
    if not any(unet.glob("*.safetensors")) or any(
        not p.name.endswith(".fp16.safetensors") for p in unet.glob("*.safetensors")
    ):
        return None
    return "fp16"
