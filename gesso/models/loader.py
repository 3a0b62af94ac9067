"""`ModelLoader`: turns installed model records into ready diffusers pipelines (`NodeModels`).

Nothing is loaded until a node asks: creating the loader imports neither torch nor diffusers.
Loaded main pipelines, VAEs and LoRA state dicts live in a `ModelCache` under a byte budget.
Per use, a pipeline object of the wanted kind (text- or image-to-image, SD or SDXL) is assembled
from the cached components with a fresh scheduler and the optional VAE, so the img2img pipeline
costs no second load and the cached one is never altered; LoRAs are applied to the shared
modules for one use and unloaded afterwards, under a lock, so the cached pipeline stays clean.

Device: CUDA, then MPS, then CPU; dtype float16 on CUDA/MPS, float32 on CPU.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gesso.db.engine import Database
from gesso.engine.context import PreparedPipeline
from gesso.errors import GessoError, InvalidInput, NotFound
from gesso.models.cache import ModelCache
from gesso.models.schedulers import make_scheduler
from gesso.models.store import ModelRecord, get_model

MAIN_BASES = ("sd-1", "sd-2", "sdxl")
MODES = ("txt2img", "img2img")


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


def _vae_family(base: str) -> str:
    """SD 1.x and 2.x share one VAE architecture (the probe calls every non-XL VAE sd-1)."""
    return "sdxl" if base == "sdxl" else "sd"


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
        self._use_lock = threading.Lock()
        # The last assembled pipeline object, reused while the settings repeat (the common case:
        # one model, one scheduler, no LoRAs). Building one costs a few milliseconds per image.
        self._last_assembled: tuple[tuple[Any, ...], Any] | None = None

    # -- device ------------------------------------------------------------------------------

    @property
    def device(self) -> str:
        if self._device is None:
            self._device = pick_device()
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

    def record(self, key: str) -> ModelRecord:
        with self._db.read() as conn:
            record = get_model(conn, key)
        if record is None:
            raise UnknownModel(f"Model {key!r} is not installed")
        return record

    def _expect(self, key: str, model_type: str, role: str) -> ModelRecord:
        record = self.record(key)
        if record.type != model_type:
            raise IncompatibleModel(
                f"Model {record.name!r} ({key}) is a {record.type} model and cannot be used as the {role}"
            )
        return record

    def forget(self, key: str) -> int:
        """Drop everything cached for model `key` (after it was deleted, moved or changed)."""
        with self._use_lock:
            self._last_assembled = None
        return self.cache.discard_prefix(f"{key}|")

    # -- loading -----------------------------------------------------------------------------

    def load(self, model_key: str, **options: Any) -> Any:
        """The loaded model: a main model's base pipeline, a VAE module, or a LoRA state dict."""
        record = self.record(model_key)
        if record.type == "main":
            return self._main(record)
        if record.type == "vae":
            return self._vae(record)
        if record.type == "lora":
            return self._lora(record)
        raise IncompatibleModel(f"Model {record.name!r} is a {record.type} model, which Gesso cannot load")

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
        from diffusers import StableDiffusionPipeline, StableDiffusionXLPipeline

        path = self._path(record)
        pipeline_class: Any = StableDiffusionXLPipeline if record.base == "sdxl" else StableDiffusionPipeline
        extra: dict[str, Any] = (
            {"add_watermarker": False}
            if record.base == "sdxl"
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

    def _lora(self, record: ModelRecord) -> dict[str, Any]:
        return self.cache.get_or_load(self._cache_key(record), lambda: self._load_lora(record))

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

    # -- use -----------------------------------------------------------------------------------

    @contextmanager
    def pipeline(
        self,
        model_key: str,
        *,
        mode: str,
        scheduler: str,
        vae: str | None = None,
        loras: Sequence[tuple[str, float]] = (),
    ) -> Iterator[PreparedPipeline]:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        main = self._expect(model_key, "main", "main model")
        vae_record = self._expect(vae, "vae", "VAE") if vae else None
        if vae_record is not None and _vae_family(vae_record.base) != _vae_family(main.base):
            raise IncompatibleModel(
                f"VAE {vae_record.name!r} is for {vae_record.base} models; "
                f"the main model {main.name!r} is {main.base}"
            )
        lora_records = [(self._expect(key, "lora", "LoRA"), weight) for key, weight in loras]
        for lora, _ in lora_records:
            if lora.base != main.base:
                raise IncompatibleModel(
                    f"LoRA {lora.name!r} is for {lora.base} models; "
                    f"the main model {main.name!r} is {main.base}"
                )
        base_pipe = self._main(main)
        vae_module = self._vae(vae_record) if vae_record is not None else None
        lora_weights = [(lora, self._lora(lora), weight) for lora, weight in lora_records]
        with self._use_lock:
            # Keyed by the cached objects themselves, so a reloaded model is never served stale.
            settings = (id(base_pipe), id(vae_module), main.hash, mode, scheduler)
            if not lora_weights and self._last_assembled is not None and self._last_assembled[0] == settings:
                pipe = self._last_assembled[1]
            else:
                fresh_scheduler = make_scheduler(scheduler, base_pipe.scheduler.config)
                pipe = _assemble(base_pipe, main.base, mode, scheduler=fresh_scheduler, vae=vae_module)
                # With LoRAs the object is changed for this use only; never keep it.
                self._last_assembled = None if lora_weights else (settings, pipe)
            _apply_loras(pipe, lora_weights)
            try:
                yield PreparedPipeline(
                    pipe=pipe,
                    base=main.base,
                    device=self.device,
                    model=identifier(main),
                    vae=identifier(vae_record) if vae_record is not None else None,
                    loras=[{"model": identifier(r), "weight": w} for r, _, w in lora_weights],
                )
            finally:
                if lora_weights:
                    pipe.unload_lora_weights()


def _variant(path: Path) -> str | None:
    """`fp16` for a diffusers folder whose UNet ships only fp16-variant weights."""
    unet = path / "unet"
    if not any(unet.glob("*.safetensors")) or any(
        not p.name.endswith(".fp16.safetensors") for p in unet.glob("*.safetensors")
    ):
        return None
    return "fp16"


def _assemble(base_pipe: Any, base: str, mode: str, *, scheduler: Any, vae: Any) -> Any:
    """A pipeline object of the wanted kind over `base_pipe`'s modules (nothing is copied); the
    scheduler and the VAE, when given, replace the cached ones in this object only."""
    import diffusers

    components = {**base_pipe.components, "scheduler": scheduler}
    if vae is not None:
        components["vae"] = vae
    if base == "sdxl":
        name = "StableDiffusionXLPipeline" if mode == "txt2img" else "StableDiffusionXLImg2ImgPipeline"
        options: dict[str, Any] = {"add_watermarker": False}
        forced = getattr(base_pipe.config, "force_zeros_for_empty_prompt", None)
        if forced is not None:
            options["force_zeros_for_empty_prompt"] = forced
    else:
        name = "StableDiffusionPipeline" if mode == "txt2img" else "StableDiffusionImg2ImgPipeline"
        options = {"requires_safety_checker": False}
    pipeline_class = getattr(diffusers, name)
    accepted = set(inspect.signature(pipeline_class.__init__).parameters) - {"self"}
    pipe = pipeline_class(**{k: v for k, v in components.items() if k in accepted}, **options)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def _apply_loras(pipe: Any, loras: list[tuple[ModelRecord, dict[str, Any], float]]) -> None:
    if not loras:
        return
    names: list[str] = []
    try:
        for index, (record, state_dict, _) in enumerate(loras):
            name = f"gesso_lora_{index}"
            try:
                pipe.load_lora_weights(dict(state_dict), adapter_name=name)
            except Exception as exc:
                raise ModelLoadError(
                    f"Cannot apply LoRA {record.name!r}: {type(exc).__name__}: {exc}"
                ) from exc
            names.append(name)
        pipe.set_adapters(names, adapter_weights=[weight for _, _, weight in loras])
    except BaseException:
        pipe.unload_lora_weights()  # also undoes a LoRA that failed half-way through
        raise
