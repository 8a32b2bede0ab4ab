"""`./dev run --no-demo`: the local stack without the demo employer (issue 12, README "Eerste werkgever
aansluiten")."""

from scripts import stack


def test_no_demo_flag_reaches_up_and_the_dev_script_passes_it(monkeypatch):
    seen = []
    monkeypatch.setattr(stack, "up", lambda settings, demo=True: seen.append(demo) or 0)
    assert stack.main(["up", "--no-demo"]) == 0 and stack.main(["up"]) == 0
    assert seen == [False, True]
    dev = (stack.ROOT / "dev").read_text()
    assert 'scripts.stack up "$@"' in dev


def test_without_demo_no_demo_provisioning_happens(monkeypatch):
    import scripts.demo

    calls = []
    monkeypatch.setattr(scripts.demo, "provision_demo", lambda *a, **k: calls.append("demo"))
    monkeypatch.setattr(stack, "start_sink", lambda settings: None)
    monkeypatch.setattr(stack.kc_runner, "is_ready", lambda settings: True)
    monkeypatch.setattr(stack.kc_runner, "start", lambda settings: "Keycloak is up")
    monkeypatch.setattr(stack, "check_runtime_client", lambda settings: None)
    monkeypatch.setattr(stack, "start_app", lambda settings: (_ for _ in ()).throw(stack.kc_runner.RunnerError("stop here")))
    monkeypatch.setattr(stack, "_stop", lambda *a: None)
    assert stack.up(stack.load_settings(), demo=False) == 1  # stopped at the portal's start, on purpose
    assert calls == []
