"""Settings: `<root>/gesso.yaml`, overridden by `GESSO_<KEY>` environment variables.

Root resolution is `--root` > `$GESSO_ROOT` > `~/gesso`. A missing file means all defaults
(single-user mode). Unknown keys are warnings; a bad value or unparsable YAML raises
`ConfigError` with one line naming the key and where it came from.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

logger = logging.getLogger(__name__)

CONFIG_FILE_NAME = "gesso.yaml"
ENV_PREFIX = "GESSO_"


class ConfigError(Exception):
    """The configuration cannot be used; the message is one line fit for a terminal."""


class OidcSettings(BaseModel):
    """Single sign-on with an OpenID Provider (SPEC §18); the `oidc:` mapping in gesso.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    issuer: str = Field(min_length=1, description="the provider's issuer URL (discovery is read from it)")
    client_id: str = Field(min_length=1)
    client_secret: str = Field(min_length=1)
    scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"])
    display_name: str = "Single sign-on"
    admin_claim: str | None = None
    admin_values: list[str] = Field(default_factory=list)
    allowed_email_domains: list[str] = Field(default_factory=list)
    auto_create: bool = True
    link_by_email: bool = False
    redirect_uri: str | None = None  # default: <this server>/api/v1/auth/oidc/callback

    @field_validator("issuer")
    @classmethod
    def _http_issuer(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/")

    @field_validator("scopes")
    @classmethod
    def _openid_scope(cls, value: list[str]) -> list[str]:
        return value if "openid" in value else ["openid", *value]


class TrustedHeaderSettings(BaseModel):
    """Sign-in by a header that an authenticating reverse proxy sets (SPEC §18)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    user_header: str = Field(min_length=1, description="e.g. X-Remote-User: the user's e-mail or name")
    email_header: str | None = None  # e.g. X-Remote-Email; else user_header must hold an e-mail
    trusted_proxies: list[str] = Field(min_length=1)
    auto_create: bool = False

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or CIDR network") from None
        return value


class Settings(BaseModel):
    """Every configuration key (SPEC §1). `root` is resolved before the file is read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    root: Path
    multiuser: bool = False
    strict_password_checking: bool = False
    session_queue_mode: Literal["round_robin", "FIFO"] = "round_robin"
    host: str = "127.0.0.1"
    port: int = Field(default=9090, ge=1, le=65535)
    base_url: str | None = None
    allow_origins: list[str] = Field(default_factory=list)
    database_url: str | None = None
    outputs_dir: Path | None = None
    models_dir: Path | None = None
    model_cache_gb: float = Field(default=6.0, ge=0)
    session_tensors_memory_mb: float = Field(default=512.0, ge=0)
    max_queue_size: int = Field(default=10000, ge=1)
    allow_private_download_urls: bool = False
    log_level: Literal["debug", "info", "warning", "error", "critical"] = "info"
    login_throttle_per_account: int = Field(default=5, ge=1)
    login_throttle_per_ip: int = Field(default=20, ge=1)
    max_upload_size_mb: int = Field(default=50, ge=1, le=4096)
    max_image_metadata_kb: int = Field(default=1024, ge=1, le=1024 * 1024)
    socket_sweep_seconds: float = Field(default=10.0, ge=0.2, le=30.0)
    trusted_proxies: list[str] = Field(default_factory=list)
    frame_ancestors: str = "'none'"
    audit_retention_days: int = Field(default=365, ge=1, le=36500)
    oidc: OidcSettings | None = None
    password_login: bool = True
    require_2fa: Literal["none", "admins", "all"] = "none"
    trusted_header: TrustedHeaderSettings | None = None
    worker_timeout_seconds: float = Field(default=60.0, ge=1.0, le=3600.0)
    redis_url: str | None = None
    # A `bench_sleep` node that waits without using the CPU, for bench/scale_bench.py only.
    enable_benchmark_nodes: bool = False

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or CIDR network") from None
        return value

    @field_validator("frame_ancestors")
    @classmethod
    def _plain_source_list(cls, value: str) -> str:
        if not value.strip() or any(ch in value for ch in ";,\r\n"):
            raise ValueError("must be a CSP source list such as 'none', 'self' or https://example.org")
        return value.strip()

    @field_validator("base_url")
    @classmethod
    def _normalise_base_url(cls, value: str | None) -> str | None:
        if value is None or value.strip("/ ") == "":
            return None
        value = "/" + value.strip().strip("/")
        if any(part in ("", ".", "..") for part in value.split("/")[1:]) or "?" in value or "#" in value:
            raise ValueError("must be a plain path such as /gesso")
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value.strip()

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_log_level(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("session_queue_mode", mode="before")
    @classmethod
    def _canonical_queue_mode(cls, value: Any) -> Any:
        if isinstance(value, str) and value.lower() in ("fifo", "round_robin"):
            return "FIFO" if value.lower() == "fifo" else "round_robin"
        return value

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE_NAME

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.root / 'databases' / 'gesso.db'}"

    @property
    def resolved_outputs_dir(self) -> Path:
        return self._under_root(self.outputs_dir, "outputs")

    @property
    def resolved_models_dir(self) -> Path:
        return self._under_root(self.models_dir, "models")

    @property
    def url_prefix(self) -> str:
        """The base URL without a trailing slash ('' when serving at the root)."""
        return self.base_url or ""

    def _under_root(self, configured: Path | None, default: str) -> Path:
        path = configured if configured is not None else Path(default)
        path = path.expanduser()
        return path if path.is_absolute() else self.root / path


FIELD_NAMES = frozenset(name for name in Settings.model_fields if name != "root")
LIST_KEYS = frozenset({"allow_origins", "trusted_proxies"})


def resolve_root(cli_root: str | Path | None = None) -> Path:
    if cli_root:
        return Path(cli_root).expanduser().resolve()
    env_root = os.environ.get(f"{ENV_PREFIX}ROOT")
    if env_root:
        return Path(env_root).expanduser().resolve()
    return (Path.home() / "gesso").resolve()


def load_settings(root: str | Path | None = None, **overrides: Any) -> Settings:
    """Read the YAML file under the resolved root, then env vars, then explicit overrides."""
    resolved_root = resolve_root(root)
    config_file = resolved_root / CONFIG_FILE_NAME
    file_values = _read_yaml(config_file)
    sources: dict[str, str] = {key: str(config_file) for key in file_values}

    values: dict[str, Any] = {}
    for key, value in file_values.items():
        if key in FIELD_NAMES:
            values[key] = value
        else:
            logger.warning("Unknown configuration key %r in %s is ignored", key, config_file)

    for key in FIELD_NAMES:
        env_name = f"{ENV_PREFIX}{key.upper()}"
        if env_name in os.environ:
            values[key] = _parse_env_value(key, os.environ[env_name])
            sources[key] = f"environment variable {env_name}"

    for key, value in overrides.items():
        if value is not None:
            values[key] = value
            sources[key] = "the command line"

    try:
        return Settings(root=resolved_root, **values)
    except ValidationError as exc:
        raise ConfigError(_describe_validation_error(exc, sources)) from None


def _read_yaml(config_file: Path) -> dict[str, Any]:
    if not config_file.exists():
        return {}
    try:
        loaded = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ConfigError(f"Cannot parse {config_file}{where}: not valid YAML") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read {config_file}: {exc}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"Cannot use {config_file}: the top level must be a mapping of keys to values")
    return {str(key): value for key, value in loaded.items()}


def _parse_env_value(key: str, raw: str) -> Any:
    """Environment values are strings; lists accept YAML/JSON (`["a","b"]`) or commas."""
    if key in LIST_KEYS:
        stripped = raw.strip()
        if stripped.startswith("["):
            try:
                return yaml.safe_load(stripped)
            except yaml.YAMLError:
                return raw
        return [item.strip() for item in stripped.split(",") if item.strip()]
    return raw


def _describe_validation_error(exc: ValidationError, sources: dict[str, str]) -> str:
    error = exc.errors()[0]
    key = str(error["loc"][0]) if error["loc"] else "?"
    source = sources.get(key, "the defaults")
    message = error["msg"].removeprefix("Value error, ")
    return f"Invalid configuration value for '{key}' in {source}: {message}"
