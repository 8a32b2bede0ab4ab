"""Keycloak's heap is one measured figure (README, Benchmarks > Memory) wherever Keycloak is started:
the dev runner, the cluster tooling and docker-compose.yml."""

from __future__ import annotations

import re

from app.config import ROOT
from scripts import kc_runner


def test_the_heap_is_explicit_and_the_same_everywhere():
    assert re.fullmatch(r"-Xms\d+m -Xmx\d+m", kc_runner.KEYCLOAK_HEAP)
    compose = (ROOT / "docker-compose.yml").read_text()
    assert f'JAVA_OPTS_KC_HEAP: "{kc_runner.KEYCLOAK_HEAP}"' in compose
    assert "kc_runner.KEYCLOAK_HEAP" in (ROOT / "scripts" / "cluster_kc.py").read_text()
    assert "Xmx" not in (ROOT / "scripts" / "cluster_kc.py").read_text().replace("KEYCLOAK_HEAP", "")
