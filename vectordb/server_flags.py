"""Weaviate's server flags on `vectordb serve`, so that a compose file's `command:` written for Weaviate's image
(`--host 0.0.0.0 --port 8080 --scheme http --write-timeout=600s`) starts this server unchanged.

Weaviate's binary takes go-swagger's listener flags and its own config and Raft flags. The ones that map onto
uvicorn are applied (`--graceful-timeout`, `--cleanup-timeout`); the others are checked as Weaviate checks them
(a bad duration still fails at start) and otherwise ignored with a debug log line, since this server has no such
knob. Listeners other than plain http are refused: this server serves no TLS or unix socket of its own.
"""

from __future__ import annotations

import argparse
import logging
import re
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_DURATION_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_BYTE_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmgtp]?i?b?)", re.IGNORECASE)

#: Seconds uvicorn waits for open requests at shutdown when --graceful-timeout is not given.
DEFAULT_GRACEFUL_SECONDS = 10.0


def go_duration(text: str) -> float:
    """Seconds in a Go duration ("600s", "1m30s", "1.5h", "0"), the format Weaviate's timeout flags take."""
    value = text.strip()
    sign = -1.0 if value.startswith("-") else 1.0
    body = value.lstrip("+-")
    if body == "0":
        return 0.0
    parts = list(_DURATION_PART.finditer(body))
    if not body or not parts or "".join(p.group(0) for p in parts) != body:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r} (Go syntax, e.g. 60s, 1m30s, 1h)")
    return sign * sum(float(p.group(1)) * _DURATION_SECONDS[p.group(2)] for p in parts)


def byte_size(text: str) -> int:
    """Bytes in a size such as "1MiB", "512KB" or "1048576" (Weaviate's --max-header-size)."""
    match = _BYTE_SIZE.fullmatch(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"invalid size {text!r} (e.g. 1MiB, 512KB, 1048576)")
    unit = match.group(2).lower().rstrip("b").rstrip("i")
    power = "kmgtp".index(unit) + 1 if unit else 0  # binary either way, as Weaviate reads "1MB" too
    return int(float(match.group(1)) * 1024**power)


def _scheme(text: str) -> str:
    value = text.strip().lower()
    if value == "http":
        return value
    if value in ("https", "unix"):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not served by vectordb, only plain http: terminate TLS in a proxy in front of it"
        )
    raise argparse.ArgumentTypeError(f"unknown scheme {text!r} (Weaviate's are http, https, unix)")


def _flag_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "t", "true", "yes", "on"):
        return True
    if value in ("0", "f", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"invalid boolean {text!r}")


# Flags of Weaviate's server with no effect here: (flag, parser of its value; None for a switch).
_IGNORED: tuple[tuple[str, Callable[[str], Any] | None], ...] = (
    ("--max-header-size", byte_size),
    ("--socket-path", str),
    ("--listen-limit", int),
    ("--keep-alive", go_duration),
    ("--read-timeout", go_duration),
    ("--write-timeout", go_duration),
    ("--tls-host", str),
    ("--tls-port", int),
    ("--tls-certificate", str),
    ("--tls-key", str),
    ("--tls-ca", str),
    ("--tls-listen-limit", int),
    ("--tls-keep-alive", go_duration),
    ("--tls-read-timeout", go_duration),
    ("--tls-write-timeout", go_duration),
    ("--config-file", str),
    ("--raft-port", int),
    ("--raft-internal-rpc-port", int),
    ("--raft-rpc-message-max-size", int),
    ("--raft-join", str),
    ("--raft-bootstrap-timeout", int),
    ("--raft-bootstrap-expect", int),
    ("--raft-heartbeat-timeout", int),
    ("--raft-election-timeout", int),
    ("--raft-snap-threshold", int),
    ("--raft-snap-interval", int),
    ("--raft-metadata-only-voters", None),
    ("--runtime-overrides.enabled", None),
    ("--runtime-overrides.path", str),
    ("--runtime-overrides.load-interval", go_duration),
)


def _dest(flag: str) -> str:
    return "weaviate_" + flag.lstrip("-").replace("-", "_").replace(".", "_")


def add_weaviate_flags(parser: argparse.ArgumentParser) -> None:
    """Accept the flags of Weaviate's server binary (go-swagger listener flags, config and Raft flags)."""
    group = parser.add_argument_group("Weaviate server flags", "accepted so Weaviate's compose files run unchanged")
    group.add_argument("--scheme", type=_scheme, action="append", dest="weaviate_scheme",
                       help="listener to enable; only http is served")
    group.add_argument("--graceful-timeout", type=go_duration, dest="weaviate_graceful_timeout",
                       help="how long shutdown waits for open requests (Go duration, default 10s)")
    group.add_argument("--cleanup-timeout", type=go_duration, dest="weaviate_cleanup_timeout",
                       help="how long an idle keep-alive connection stays open (Go duration)")
    for flag, parse in _IGNORED:
        if parse is None:  # a go-flags switch: bare, or with =true / =false
            group.add_argument(flag, dest=_dest(flag), nargs="?", const=True, type=_flag_bool,
                               help=argparse.SUPPRESS)
        else:
            # --raft-join may be repeated, as in Weaviate; the others keep their last value
            action = "append" if flag == "--raft-join" else "store"
            group.add_argument(flag, dest=_dest(flag), type=parse, action=action, help=argparse.SUPPRESS)


def uvicorn_options(args: argparse.Namespace) -> dict[str, Any]:
    """uvicorn's settings from the Weaviate flags given; logs the flags that have no effect here."""
    for flag, _ in _IGNORED:
        value = getattr(args, _dest(flag), None)
        if value is None:
            continue
        if flag == "--config-file":  # unlike the others, settings would silently go missing
            logger.warning("--config-file %s is not read: vectordb takes its settings from environment variables",
                           value)
        else:
            logger.debug("Weaviate flag %s=%s has no effect on vectordb; ignored", flag, value)
    options: dict[str, Any] = {"timeout_graceful_shutdown": DEFAULT_GRACEFUL_SECONDS}
    if args.weaviate_graceful_timeout is not None:
        options["timeout_graceful_shutdown"] = max(0.0, args.weaviate_graceful_timeout)
    if args.weaviate_cleanup_timeout is not None and args.weaviate_cleanup_timeout > 0:
        options["timeout_keep_alive"] = args.weaviate_cleanup_timeout
    return options
