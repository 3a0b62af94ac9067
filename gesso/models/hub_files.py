"""Which files of a hub repo an install fetches, and what they are called once local.

- One file (`owner/name::dir/model.safetensors`): that file, which must be `.safetensors`.
- A diffusers pipeline (`model_index.json` at the top of the repo or subfolder): the index and,
  in each component folder it names (not the safety checker, which Gesso never runs), the
  configs, tokenizer files and the component's safetensors weights.
- A single diffusers model (VAE, ControlNet, …: `config.json` at the top): configs and weights.

Weights are the canonical `diffusion_pytorch_model*.safetensors` / `model*.safetensors` files of
one variant per folder: the wanted one (fp16 on a GPU) when the folder has it, else the default
one. Variant files are renamed to the default names (`x.fp16.safetensors` → `x.safetensors`, the
shard index rewritten to match) so the installed folder loads like any default-variant folder.
Pickled weights (`.bin`, `.ckpt`, `.pt`, `.pth`) are never selected; loose checkpoints next to
the components (`v1-5-pruned.safetensors`) are not either.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePosixPath

from gesso.models.hub import HubError, RepoFile, RepoSnapshot
from gesso.models.probe import PICKLE_SUFFIXES
from gesso.models.sources import HubSource

SKIPPED_COMPONENTS = frozenset({"safety_checker"})
CONFIG_SUFFIXES = (".json", ".txt", ".model")
_WEIGHTS = re.compile(
    r"^(?P<base>diffusion_pytorch_model|model)(?:\.(?P<variant>[a-z0-9_]+))?(?P<shard>-\d{5}-of-\d{5})?\.safetensors$"
)
_INDEX = re.compile(
    r"^(?P<base>diffusion_pytorch_model|model)\.safetensors\.index(?:\.(?P<variant>[a-z0-9_]+))?\.json$"
)


class NothingToInstall(HubError):
    """The repo (or the part of it named) holds nothing Gesso can install."""


@dataclass(frozen=True)
class PlannedFile:
    file: RepoFile
    local_path: str  # relative to the installed model's root
    rewrite_index: bool = False  # a variant shard index whose file names must lose the variant


@dataclass(frozen=True)
class Selection:
    files: tuple[PlannedFile, ...]
    variant: str | None  # the variant whose weights were chosen anywhere ("fp16"), else None

    @property
    def total_bytes(self) -> int:
        return sum(planned.file.size or 0 for planned in self.files)


def single_file(snapshot: RepoSnapshot, source: HubSource) -> Selection:
    assert source.subfolder is not None
    path = source.subfolder
    if PurePosixPath(path).suffix.lower() in PICKLE_SUFFIXES:
        raise NothingToInstall(
            f"{PurePosixPath(path).name}: pickle-based checkpoints are refused because loading them can "
            "execute code; pick a .safetensors file"
        )
    if not path.lower().endswith(".safetensors"):
        raise NothingToInstall(f"{path}: not a model file (expected a .safetensors file)")
    found = next((f for f in snapshot.files if f.path == path), None)
    if found is None:
        raise NothingToInstall(f"{snapshot.repo_id} has no file {path}")
    return Selection(files=(PlannedFile(found, PurePosixPath(path).name),), variant=None)


def root_kind(snapshot: RepoSnapshot, root: str) -> str:
    """'pipeline' (model_index.json), 'model' (config.json) or 'none' at `root` ('' = repo top)."""
    names = {f.path for f in snapshot.files}
    if _join(root, "model_index.json") in names:
        return "pipeline"
    if _join(root, "config.json") in names:
        return "model"
    return "none"


def components(model_index: bytes) -> list[str]:
    """The component folders a `model_index.json` names (`"unet": ["diffusers", "UNet…"]`)."""
    try:
        index = json.loads(model_index)
    except ValueError:
        raise NothingToInstall("model_index.json is not valid JSON") from None
    if not isinstance(index, dict):
        raise NothingToInstall("model_index.json is not a JSON object")
    return sorted(
        name
        for name, value in index.items()
        if not name.startswith("_")
        and isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, str) for v in value)
        and name not in SKIPPED_COMPONENTS
        and "/" not in name
        and name not in (".", "..")
    )


def folder_files(
    snapshot: RepoSnapshot, root: str, folders: list[str] | None, wanted_variant: str | None
) -> Selection:
    """The files of a pipeline (`folders` = its components) or of one model (`folders` = None)."""
    by_folder: dict[str, list[RepoFile]] = defaultdict(list)
    prefix = f"{root}/" if root else ""
    for file in snapshot.files:
        if file.path.startswith(prefix):
            relative = file.path[len(prefix) :]
            folder = relative.rpartition("/")[0]
            by_folder[folder].append(file)
    planned: list[PlannedFile] = []
    chosen: set[str] = set()
    if folders is None:
        planned += _configs(by_folder[""], "")
        weights, variant = _weights(by_folder[""], "", wanted_variant)
        if not weights:
            raise _no_weights(snapshot, root, by_folder[""])
        planned += weights
        chosen.add(variant or "")
    else:
        planned += [_plan(f, "") for f in by_folder[""] if _name(f) == "model_index.json"]
        for folder in folders:
            files = by_folder.get(folder, [])
            planned += _configs(files, folder)
            weights, variant = _weights(files, folder, wanted_variant)
            planned += weights
            chosen.add(variant or "")
            if not weights and _needs_weights(files):
                raise _no_weights(snapshot, _join(root, folder), files)
    variants = chosen - {""}
    return Selection(files=tuple(planned), variant=sorted(variants)[0] if variants else None)


def rewritten_index(raw: bytes, variant: str) -> bytes:
    """A variant shard index with its file names changed to the default-variant names."""
    index = json.loads(raw)
    weight_map = index.get("weight_map", {}) if isinstance(index, dict) else {}
    if not isinstance(weight_map, dict):
        raise NothingToInstall("A shard index has no usable weight_map")
    index["weight_map"] = {key: _without_variant(str(value), variant) for key, value in weight_map.items()}
    return json.dumps(index, indent=2).encode()


def _configs(files: list[RepoFile], folder: str) -> list[PlannedFile]:
    return [
        _plan(f, folder)
        for f in files
        if _name(f).lower().endswith(CONFIG_SUFFIXES) and not _INDEX.match(_name(f))
    ]


def _weights(files: list[RepoFile], folder: str, wanted: str | None) -> tuple[list[PlannedFile], str | None]:
    groups: dict[tuple[str, str | None], list[RepoFile]] = defaultdict(list)
    indexes: dict[tuple[str, str | None], RepoFile] = {}
    for file in files:
        if match := _WEIGHTS.match(_name(file)):
            groups[(match["base"], match["variant"])].append(file)
        elif match := _INDEX.match(_name(file)):
            indexes[(match["base"], match["variant"])] = file
    for base in ("diffusion_pytorch_model", "model"):
        for variant in _preference(wanted):
            group = groups.get((base, variant))
            if not group:
                continue
            planned = [
                _plan(f, folder, _without_variant(_name(f), variant)) for f in sorted(group, key=_name)
            ]
            index = indexes.get((base, variant))
            if index is not None:
                local = f"{base}.safetensors.index.json"
                planned.append(_plan(index, folder, local, rewrite=variant is not None))
            return planned, variant
    return [], None


def _preference(wanted: str | None) -> list[str | None]:
    """Variants to try in order: the wanted one, the default weights, then the usual others."""
    order: list[str | None] = [wanted] if wanted not in (None, "fp32") else []
    return [*order, None, *(v for v in ("fp16", "bf16", "fp32") if v not in order)]


def _needs_weights(files: list[RepoFile]) -> bool:
    """A component with a model config (not a scheduler, tokenizer or feature extractor)."""
    return any(_name(f) == "config.json" for f in files)


def _no_weights(snapshot: RepoSnapshot, where: str, files: list[RepoFile]) -> NothingToInstall:
    place = f"{snapshot.repo_id}/{where}" if where else snapshot.repo_id
    pickles = [f for f in files if PurePosixPath(f.path).suffix.lower() in PICKLE_SUFFIXES]
    loose = [f.path for f in snapshot.files if f.path.endswith(".safetensors")]
    if pickles:
        return NothingToInstall(
            f"{place} has no .safetensors weights (pickled .bin/.ckpt weights are refused)"
        )
    if loose and not where:
        examples = ", ".join(loose[:3])
        return NothingToInstall(
            f"{place} is not a diffusers model; install one of its files as owner/name::file ({examples})"
        )
    return NothingToInstall(f"{place} has no .safetensors weights")


def _plan(
    file: RepoFile, folder: str, local_name: str | None = None, *, rewrite: bool = False
) -> PlannedFile:
    return PlannedFile(file, _join(folder, local_name or _name(file)), rewrite_index=rewrite)


def _without_variant(name: str, variant: str | None) -> str:
    return name.replace(f".{variant}", "", 1) if variant else name


def _name(file: RepoFile) -> str:
    return file.path.rsplit("/", 1)[-1]


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name
