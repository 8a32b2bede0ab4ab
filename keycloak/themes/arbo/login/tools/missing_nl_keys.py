#!/usr/bin/env python3
"""Report login message keys that English has and Dutch lacks.

Why: the stock Keycloak Dutch translation is incomplete, so some pages fall back
to English. This compares the stock keycloak.v2 login theme (its own messages plus
those of its parent `base`) in English and Dutch, first as shipped and then with
this theme's messages_*.properties layered on top, and exits non-zero if our Dutch
still misses a key. Usage:

    missing_nl_keys.py path/to/org.keycloak.keycloak-themes-<version>.jar [--list]
"""
import re
import sys
import zipfile
from pathlib import Path

THEME_DIR = Path(__file__).resolve().parents[1]          # .../arbo/login
STOCK_CHAIN = ["theme/base/login", "theme/keycloak.v2/login"]  # parent first
MSG_CALL = re.compile(r"""(?:msg|advancedMsg)\(\s*["']([A-Za-z0-9_.\-]+)["']""")
BUTTON_LABEL = re.compile(r"""label="([A-Za-z][A-Za-z0-9_.\-]+)\"""")


def split_property(line):
    match = re.match(r"\s*((?:\\.|[^=:\s])+)\s*[=:]?\s*(.*)", line)
    return match.group(1), match.group(2)


def properties(text):
    result, continued = {}, False
    for line in text.splitlines():
        if continued:
            continued = line.endswith("\\")
            continue
        if not line.strip() or line.lstrip()[0] in "#!":
            continue
        key, value = split_property(line)
        result[key] = value
        continued = line.endswith("\\")
    return result


def stock_messages(jar, lang):
    merged = {}
    for theme in STOCK_CHAIN:
        name = f"{theme}/messages/messages_{lang}.properties"
        if name in jar.namelist():
            merged.update(properties(jar.read(name).decode("utf-8")))
    return merged


def referenced_keys(jar):
    """Message keys named literally in the login templates keycloak.v2 renders."""
    keys = set()
    for name in jar.namelist():
        if name.endswith(".ftl") and any(name.startswith(t + "/") for t in STOCK_CHAIN):
            text = jar.read(name).decode("utf-8")
            keys |= set(MSG_CALL.findall(text)) | set(BUTTON_LABEL.findall(text))
    return keys


def ours(lang):
    path = THEME_DIR / "messages" / f"messages_{lang}.properties"
    return properties(path.read_text(encoding="utf-8")) if path.exists() else {}


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    jar = zipfile.ZipFile(argv[1])
    en, nl = stock_messages(jar, "en"), stock_messages(jar, "nl")
    used = referenced_keys(jar) & set(en)
    before = sorted(set(en) - set(nl))
    en_after = {**en, **ours("en")}
    nl_after = {**nl, **ours("nl")}
    # Brand keys are locale-neutral defaults, defined once in English (see README).
    after = sorted(k for k in set(en_after) - set(nl_after) if not k.startswith("arboBrand"))
    print(f"stock en keys: {len(en)}, stock nl keys: {len(nl)}")
    print(f"missing in nl before: {len(before)} "
          f"(of which named in login templates: {len(set(before) & used)})")
    print(f"missing in nl after (stock + arbo): {len(after)}")
    if "--list" in argv:
        for key in before:
            mark = "*" if key in used else " "
            print(f"  {mark} {key}={en[key]}")
    for key in after:
        print(f"  still missing: {key}")
    return 1 if after else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
