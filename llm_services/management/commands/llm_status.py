"""Show every alias: backend, model, revision, active version, health, usage and memory."""

from __future__ import annotations

import json
import resource
import time
from typing import Any

from django.core.management.base import BaseCommand

from llm_services.conf import active_versions, get_model_settings, normalise_config
from llm_services.cpu import describe as describe_cpu
from llm_services.handler import llm
from llm_services.health import alias_health
from llm_services.metering import meter, published_snapshots


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--load",
            action="store_true",
            help="Load every serving alias in this process and report load time and memory.",
        )
        parser.add_argument("--json", action="store_true", help="One JSON object instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        loads = self._load_all() if options["load"] else {}
        settings = get_model_settings()
        versions = active_versions()
        health = {h.alias: h for h in alias_health()}
        snapshots = published_snapshots()
        own = meter.snapshot()
        if not any(s["process"] == own["process"] for s in snapshots):
            snapshots.append(own)
        rows = []
        for alias, raw in settings.items():
            config = normalise_config(raw) if raw else None
            usage = [
                {"process": s["process"], "peak_rss_mb": s["peak_rss_mb"], **s["aliases"][alias]}
                for s in snapshots
                if alias in s["aliases"]
            ]
            rows.append(
                {
                    "alias": alias,
                    "backend": config["BACKEND"].rsplit(".", 1)[-1] if config else None,
                    "model": config["MODEL"] if config else None,
                    "revision": config["REVISION"] if config else None,
                    "active_version": versions[alias].name if alias in versions else None,
                    "state": health[alias].state,
                    "detail": health[alias].detail,
                    "loaded_in": [s["process"] for s in snapshots if alias in s["loaded"]],
                    "runtimes": sorted(
                        {s["runtimes"][alias] for s in snapshots if alias in s.get("runtimes", {})}
                    ),
                    "usage": usage,
                    **({"load": loads[alias]} if alias in loads else {}),
                }
            )
        if options["json"]:
            self.stdout.write(
                json.dumps({"aliases": rows, "processes": len(snapshots), "cpu": describe_cpu()})
            )
            return
        self.stdout.write(f"cpu: {describe_cpu()}")
        for row in rows:
            self.stdout.write(self.style.MIGRATE_HEADING(f"{row['alias']}: {row['state']}"))
            for key in ("backend", "model", "revision", "active_version", "detail"):
                if row[key]:
                    self.stdout.write(f"  {key:<15}{row[key]}")
            self.stdout.write(f"  {'loaded in':<15}{', '.join(row['loaded_in']) or 'no process'}")
            for runtime in row["runtimes"]:
                self.stdout.write(f"  {'runtime':<15}{runtime}")
            if "load" in row:
                self.stdout.write(f"  {'load':<15}{row['load']}")
            for use in row["usage"]:
                self.stdout.write(
                    f"  {use['process']}: {use['calls']} calls, {use['errors']} errors, "
                    f"{use['items']} items, {use['completion_tokens']} tokens out, "
                    f"p50 {use['p50_ms']} ms, p95 {use['p95_ms']} ms, "
                    f"peak RSS {use['peak_rss_mb']} MB"
                )
        self.stdout.write(
            f"{len(snapshots)} process(es) reporting; usage is shared through the cache "
            "(all processes with Redis, this one only with the local-memory cache)."
        )

    def _load_all(self) -> dict[str, str]:
        results = {}
        for health in alias_health():
            if not health.serving:
                continue
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started = time.perf_counter()
            try:
                llm[health.alias]
            except Exception as exc:  # noqa: BLE001 - report every failure, then go on
                results[health.alias] = f"failed: {exc}"
                continue
            grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
            results[health.alias] = (
                f"{time.perf_counter() - started:.1f} s, peak RSS +{grown:.0f} MB"
            )
        return results
