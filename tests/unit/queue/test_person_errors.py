"""Errors for people: what an owner who is not an administrator reads instead of the raw error."""

from __future__ import annotations

import pytest

from gesso.queue.person_errors import GENERATION, MODEL_LOAD, SETTINGS, for_person, shareable_detail

RAW_MODEL_LOAD = (
    "Cannot load model 'tiny-sd': SafetensorError: Error while deserializing header: "
    "HeaderTooLarge (/srv/gesso/models/sd-1/main/tiny-sd/unet/diffusion_pytorch_model.safetensors)"
)


def test_no_error_stays_no_error() -> None:
    assert for_person(None, None) is None


def test_model_load_error_becomes_a_sentence_without_path_or_class() -> None:
    person = for_person("ModelLoadError", RAW_MODEL_LOAD)
    assert person == MODEL_LOAD
    assert person.category == "model_load_failed"
    assert "/" not in person.sentence and "Error" not in person.sentence


@pytest.mark.parametrize("error_type", ["OSError", "FileNotFoundError", "SafetensorError"])
def test_file_errors_read_as_a_model_that_could_not_load(error_type: str) -> None:
    assert for_person(error_type, "[Errno 2] No such file: '/x/y'") == MODEL_LOAD


@pytest.mark.parametrize("error_type", ["RuntimeError", "KeyError", "AttributeError", "SomethingNew"])
def test_unknown_errors_get_the_general_sentence(error_type: str) -> None:
    assert for_person(error_type, "mat1 and mat2 shapes cannot be multiplied") == GENERATION


def test_out_of_memory_says_what_to_do() -> None:
    person = for_person("OutOfMemoryError", "CUDA out of memory. Tried to allocate 2.00 GiB")
    assert person is not None and "smaller image size" in person.sentence


def test_settings_errors_keep_a_message_written_for_people() -> None:
    message = "lora_selector: 'tiny-lora' is a sd-1 lora model; it takes sdxl lora models"
    person = for_person("ValueError", message)
    assert person is not None
    assert person.category == SETTINGS.category
    assert person.sentence == f"{SETTINGS.sentence} {message}"


@pytest.mark.parametrize(
    "message",
    [
        "cannot open /srv/models/x.safetensors",
        "bad file 'C:\\\\models\\\\x.ckpt'",
        "see models/sd-1/main for details",
        "expected <class 'torch.Tensor'>",
        "wrapped KeyError: 'unet'",
        "Traceback (most recent call last)",
        "object at 0x7f3a2b1c4d50",
        "in diffusers/pipeline.py line 3",
        "first line\nsecond line",
        "x" * 301,
    ],
)
def test_settings_messages_that_show_server_insides_are_dropped(message: str) -> None:
    assert shareable_detail(message) is None
    assert for_person("ValueError", message) == SETTINGS


def test_sizes_and_model_names_are_shareable() -> None:
    message = "inpaint: the images differ in size (image 64x64, mask 32x32)"
    assert shareable_detail(message) == message
