"""The Keycloak runner's checks, without starting Keycloak."""

import dataclasses
import socket

import pytest

from scripts import kc_runner
from app.config import load_settings


def test_a_port_in_use_is_one_clear_error(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        settings = dataclasses.replace(load_settings(), keycloak_port=port, keycloak_management_port=port,
                                       keycloak_data_dir=tmp_path)
        with pytest.raises(kc_runner.RunnerError, match=f"Port {port} is in use"):
            kc_runner.start(settings)


def test_missing_maven_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(kc_runner.shutil, "which", lambda name: None)
    settings = dataclasses.replace(load_settings(), keycloak_cache_dir=tmp_path)
    with pytest.raises(kc_runner.RunnerError, match="Maven"):
        kc_runner.fetch_distribution(settings)


def test_no_java_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(kc_runner, "_java_major", lambda java: 11)
    with pytest.raises(kc_runner.RunnerError, match="Java 17 or newer"):
        kc_runner.find_java_home(load_settings())


def test_the_newest_jdk_is_preferred(monkeypatch, tmp_path):
    for name, major in (("jdk-17", 17), ("jdk-25", 25), ("jdk-21", 21)):
        (tmp_path / name / "bin").mkdir(parents=True)
        (tmp_path / name / "bin" / "java").touch()
    monkeypatch.setattr(kc_runner, "_java_major", lambda java: int(java.parent.parent.name.split("-")[1]))
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk-17"))
    settings = dataclasses.replace(load_settings(), java_home="")
    assert kc_runner.find_java_home(settings, jvm_dir=tmp_path).name == "jdk-25"


def test_status_and_stop_when_nothing_runs(tmp_path):
    settings = dataclasses.replace(load_settings(), keycloak_port=1, keycloak_management_port=1, keycloak_data_dir=tmp_path)
    assert "not ready" in kc_runner.status(settings)
    assert "not running" in kc_runner.stop(settings)
