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


def test_the_portal_sends_browsers_to_keycloak_as_localhost_for_passkeys():
    from app.config import Settings

    settings = Settings(keycloak_port=8080)
    assert stack.app_environment(settings)["KEYCLOAK_HOST"] == "localhost"  # WebAuthn refuses 127.0.0.1
    assert stack.browser_keycloak_url(settings) == "http://localhost:8080"
    public = Settings(keycloak_public_url="https://login.arbo.example")
    assert stack.app_environment(public).get("KEYCLOAK_HOST") != "localhost"
    assert stack.browser_keycloak_url(public) == "https://login.arbo.example"


def test_keycloak_takes_its_address_from_each_request_unless_a_public_one_is_set():
    from app.config import Settings

    assert stack.kc_runner.hostname_options(Settings()) == []  # localhost stays localhost, 127.0.0.1 stays
    assert stack.kc_runner.hostname_options(Settings(keycloak_public_url="https://login.arbo.example")) == [
        "--hostname=https://login.arbo.example", "--hostname-backchannel-dynamic=true"]
