"""The host check: CPU, memory and disk of the machine the bot runs on."""

from __future__ import annotations

import asyncio

import psutil

from bot.checks.result import Status
from bot.config import HostCheck


def _percent(value: float) -> str:
    return f"{value:.0f}%"


def _host_figures(path: str) -> tuple[float, float, float]:
    cpu = float(psutil.cpu_percent(interval=0.2))
    memory = float(psutil.virtual_memory().percent)
    disk_used = float(psutil.disk_usage(path).percent)
    return cpu, memory, disk_used


async def check_host(
    check: HostCheck, values: dict[str, float] | None = None
) -> tuple[Status, str]:
    """Warn when CPU or memory is high or the disk is nearly full."""
    cpu, memory, disk_used = await asyncio.to_thread(_host_figures, check.path)
    disk_free = 100 - disk_used
    if values is not None:
        values |= {"cpu": cpu, "memory": memory, "disk_free": disk_free}
    high_cpu = cpu >= check.cpu_warn
    high_memory = memory >= check.memory_warn
    low_disk = disk_free < check.disk_free_warn
    parts = [
        f"CPU {_percent(cpu)}" + (f" (warn at {_percent(check.cpu_warn)})" if high_cpu else ""),
        f"memory {_percent(memory)}"
        + (f" (warn at {_percent(check.memory_warn)})" if high_memory else ""),
        f"disk {check.path} {_percent(disk_used)} used ({_percent(disk_free)} free"
        + (f", warn below {_percent(check.disk_free_warn)}" if low_disk else "")
        + ")",
    ]
    return ("warn" if high_cpu or high_memory or low_disk else "ok"), " · ".join(parts)
