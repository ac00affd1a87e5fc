"""NVIDIA's wire: `Authorization: Bearer` from X-Nvidia-Api-Key, else NVIDIA_APIKEY; X-Nvidia-Baseurl overrides
baseURL; errors carry `message`, `detail` or `title` depending on the status."""

from __future__ import annotations

from modules.kit import ProviderClient


class NvidiaClient(ProviderClient):
    provider = "NVIDIA API"
    key_header, key_env = "X-Nvidia-Api-Key", "NVIDIA_APIKEY"
    baseurl_header = "X-Nvidia-Baseurl"
    static_headers = {"Accept": "application/json"}
