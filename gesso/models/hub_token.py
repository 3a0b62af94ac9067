"""The Hugging Face token an administrator sets (`/api/v2/models/hf_login`).

Stored in `app_settings` (`hf_token`), sent only to the configured hub, never returned by any
API and never logged. Its status is InvokeAI's: `valid` (the hub accepts it), `invalid` (no
token, or the hub rejects it), `unknown` (the hub cannot be asked: offline or unreachable).
A token the hub rejects is not stored; one that cannot be checked is stored and used.
"""

from __future__ import annotations

import hashlib
import threading
import time

from gesso.models.hub import HubClient, TokenStatus
from gesso.settings_store.service import AppSettings

HF_TOKEN_KEY = "hf_token"
STATUS_TTL = 300.0  # seconds a checked status is reused, so the page does not ask the hub each time


class HubTokens:
    def __init__(self, app_settings: AppSettings) -> None:
        self._settings = app_settings
        self._lock = threading.Lock()
        self._checked: tuple[str, TokenStatus, float] | None = None  # (token digest, status, when)

    def stored(self) -> str | None:
        return self._settings.get(HF_TOKEN_KEY)

    def status(self, hub: HubClient) -> TokenStatus:
        token = hub.token()
        if not token:
            return "invalid"
        digest = hashlib.sha256(token.encode()).hexdigest()
        with self._lock:
            if (
                self._checked
                and self._checked[0] == digest
                and time.monotonic() - self._checked[2] < STATUS_TTL
            ):
                return self._checked[1]
        status = hub.token_status(token)
        with self._lock:
            self._checked = (digest, status, time.monotonic())
        return status

    def set(self, hub: HubClient, token: str) -> TokenStatus:
        status = hub.token_status(token)
        if status != "invalid":
            self._settings.set(HF_TOKEN_KEY, token)
            with self._lock:
                self._checked = (hashlib.sha256(token.encode()).hexdigest(), status, time.monotonic())
            return status
        return "invalid"

    def clear(self, hub: HubClient) -> TokenStatus:
        self._settings.delete(HF_TOKEN_KEY)
        with self._lock:
            self._checked = None
        return self.status(hub)
