"""The starter model catalogue, read from `starters.yaml`, and which of it is installed.

A starter counts as installed when a model's `source` is the starter's source, or its name,
base and type match (an install renamed later still counts if the source matches).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from gesso.models.schemas import (
    StarterModel,
    StarterModelBundle,
    StarterModelResponse,
    StarterModelWithoutDependencies,
)
from gesso.models.store import ModelRecord

CATALOGUE = Path(__file__).with_name("starters.yaml")


class StarterCatalogue:
    def __init__(self, entries: dict[str, StarterModel], bundles: dict[str, tuple[str, list[str]]]) -> None:
        self._entries = entries
        self._bundles = bundles

    @classmethod
    def load(cls, path: Path = CATALOGUE) -> StarterCatalogue:
        # libyaml's safe loader when present: the pure-Python one costs start-up a fifth of a second.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (safe loaders only)
        fields = {key: value for key, value in raw["models"].items()}
        plain = {
            key: StarterModelWithoutDependencies(**{k: v for k, v in spec.items() if k != "dependencies"})
            for key, spec in fields.items()
        }
        entries = {
            key: StarterModel(
                **plain[key].model_dump(),
                dependencies=[plain[dep] for dep in spec.get("dependencies", [])] or None,
            )
            for key, spec in fields.items()
        }
        bundles = {
            base: (spec["name"], list(spec["models"])) for base, spec in raw.get("bundles", {}).items()
        }
        for _, keys in bundles.values():
            unknown = [key for key in keys if key not in entries]
            if unknown:
                raise ValueError(f"{path}: bundles name unknown starter models {unknown}")
        return cls(entries, bundles)

    def find(self, source: str) -> StarterModel | None:
        return next((entry for entry in self._entries.values() if entry.source == source), None)

    def listing(self, installed: list[ModelRecord]) -> StarterModelResponse:
        def present(model: StarterModelWithoutDependencies) -> bool:
            return is_installed(model, installed)

        def marked(entry: StarterModel) -> StarterModel:
            missing = [
                dep.model_copy(update={"is_installed": False})
                for dep in entry.dependencies or []
                if not present(dep)
            ]
            return entry.model_copy(update={"is_installed": present(entry), "dependencies": missing})

        models = [marked(entry) for entry in self._entries.values()]
        bundles = {
            base: StarterModelBundle(name=name, models=[marked(self._entries[key]) for key in keys])
            for base, (name, keys) in self._bundles.items()
        }
        return StarterModelResponse(starter_models=models, starter_bundles=bundles)

    def install_config(self, entry: StarterModelWithoutDependencies) -> dict[str, Any]:
        """What an install of a starter records unless the request says otherwise."""
        return {"name": entry.name, "description": entry.description}


def is_installed(model: StarterModelWithoutDependencies, installed: list[ModelRecord]) -> bool:
    names = {model.name, *model.previous_names}
    return any(
        record.source == model.source
        or (record.name in names and record.base == model.base and record.type == model.type)
        for record in installed
    )


@functools.cache
def default_catalogue() -> StarterCatalogue:
    return StarterCatalogue.load()
