"""`SessionTensors`: memory first, spilled to files above the limit, everything gone on close."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from gesso.engine.tensors import SessionTensors, UnknownTensor


def test_tensors_spill_to_files_above_the_limit_and_read_back(tmp_path: Path) -> None:
    store = SessionTensors(tmp_path, "s1", memory_limit=1000)
    first = store.save({"latents": torch.ones(200), "pooled": None})  # 800 bytes: kept in memory
    assert not store.folder.exists()
    second = store.save({"latents": torch.full((200,), 2.0)})  # over the limit: the oldest is spilled
    assert [p.name for p in store.folder.iterdir()] == [f"{first}.safetensors"]
    loaded = store.load(first)
    assert loaded["pooled"] is None and torch.equal(loaded["latents"], torch.ones(200))
    assert torch.equal(store.load(second)["latents"], torch.full((200,), 2.0))
    store.close()
    assert not store.folder.exists() and list(tmp_path.iterdir()) == []
    with pytest.raises(UnknownTensor):
        store.load(second)


def test_names_resolve_only_in_the_store_that_made_them(tmp_path: Path) -> None:
    mine, theirs = SessionTensors(tmp_path, "a"), SessionTensors(tmp_path, "b")
    name = mine.save({"latents": torch.zeros(4)})
    with pytest.raises(UnknownTensor, match="no tensor named"):
        theirs.load(name)
    mine.close()
    theirs.close()
