"""Correct, consistent Dutch: one register ("u", see docs/glossary.md) and no untranslated keys.

Reads the files themselves (no Keycloak): the login and e-mail themes' messages, the arbo-auth
extension's messages (SMS texts included), the portal's catalogue and every template, FTL file
and Java source that can put Dutch text in front of a user.

Keycloak's own message keys: an FTL template may name a key our theme does not define
(``doSubmit``, ``email`` ...). Those come from Keycloak's stock themes, which are only on this
machine once the distribution is unpacked (``.local/``, by kc_runner). Keys in our own namespace
(``arbo…``) are always checked against our files; other keys are checked against the stock
themes when the unpacked distribution is there, and skipped otherwise.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOGIN = ROOT / "keycloak" / "themes" / "arbo" / "login"
EMAIL = ROOT / "keycloak" / "themes" / "arbo" / "email"
EXTENSIONS = ROOT / "keycloak" / "extensions"
CATALOGUE = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"

# The informal register, as whole words ("je" but not "jeugd", "bijeenkomst" or "Jeroen").
INFORMAL = re.compile(r"(?<![\w-])(je|jij|jou|jouw|jouwe|jezelf|jullie|je'?ll|'je)(?![\w])", re.IGNORECASE)


def properties(path: Path) -> dict[str, str]:
    """A Java .properties file (UTF-8, as Keycloak reads theme messages) as a dict."""
    result: dict[str, str] = {}
    key = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if key is not None:  # continuation of the previous value
            result[key] += line.strip().rstrip("\\")
            key = key if line.endswith("\\") else None
            continue
        if not line.strip() or line.lstrip()[0] in "#!":
            continue
        match = re.match(r"\s*((?:\\.|[^=:\s])+)\s*[=:]?\s*(.*)", line)
        name, value = match.group(1), match.group(2)
        result[name] = value.rstrip("\\")
        key = name if line.endswith("\\") else None
    return result


def message_dirs() -> list[Path]:
    dirs = [LOGIN / "messages", EMAIL / "messages"]
    dirs += sorted(p for p in EXTENSIONS.glob("*/src/main/resources/**/messages") if p.is_dir())
    return dirs


def dutch_message_files() -> list[Path]:
    return [d / "messages_nl.properties" for d in message_dirs() if (d / "messages_nl.properties").exists()]


def ftl_files() -> list[Path]:
    files = sorted((ROOT / "keycloak" / "themes" / "arbo").rglob("*.ftl"))
    return files + sorted(EXTENSIONS.glob("*/src/main/resources/**/*.ftl"))


def catalogue():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle)


def informal_words(text: str) -> list[str]:
    return [match.group(0) for match in INFORMAL.finditer(text)]


# ---------------------------------------------------------------- one register: "u"

def test_the_scanned_files_exist():
    """A moved file must not make the register tests pass by scanning nothing."""
    names = {str(p.relative_to(ROOT)) for p in dutch_message_files()}
    assert "keycloak/themes/arbo/login/messages/messages_nl.properties" in names
    assert "keycloak/themes/arbo/email/messages/messages_nl.properties" in names
    assert any("arbo-auth" in name for name in names)
    assert len(list(ftl_files())) >= 8


def test_the_scanner_finds_the_informal_register():
    assert informal_words("Je kunt het nog 2 keer proberen.") == ["Je"]
    assert informal_words("Kies jouw code; deel hem met jezelf") == ["jouw", "jezelf"]
    assert informal_words("Stuur een SMS-je") == []  # part of a word, not the pronoun (still not our style)
    assert informal_words("U kunt het nog 2 keer proberen. Jeugdarts, bijeenkomst, Jeroen") == []


@pytest.mark.parametrize("path", dutch_message_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_dutch_messages_use_u(path):
    offenders = {key: value for key, value in properties(path).items() if informal_words(value)}
    assert offenders == {}, f"informal register (je/jij/jouw) in {path.relative_to(ROOT)}"


def test_sms_and_java_texts_use_u():
    """Texts built in Java (the SMS fallback when the theme text is missing) follow the same rule."""
    offenders = []
    for path in sorted(EXTENSIONS.glob("*/src/main/java/**/*.java")):
        for literal in re.findall(r'"((?:\\.|[^"\\])*)"', path.read_text(encoding="utf-8")):
            if informal_words(literal):
                offenders.append(f"{path.relative_to(ROOT)}: {literal}")
    assert offenders == []


def test_portal_texts_use_u():
    """The portal's Dutch is the msgid of its (English) catalogue, plus literals in templates."""
    offenders = [message.id for message in catalogue() if message.id and informal_words(str(message.id))]
    for path in sorted((ROOT / "app" / "templates").rglob("*")) + sorted((ROOT / "app").glob("*.py")):
        if path.is_file():
            offenders += [f"{path.relative_to(ROOT)}: {w}" for w in informal_words(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_templates_of_keycloak_pages_and_mails_use_u():
    """Dutch written straight into an FTL file (it should be in messages, but if it is there)."""
    offenders = []
    for path in ftl_files():
        offenders += [f"{path.relative_to(ROOT)}: {w}" for w in informal_words(path.read_text(encoding="utf-8"))]
    assert offenders == []


CLUMSY = re.compile(r"\w\((s|e|en)\)|\w/\w+en\b")


def test_no_clumsy_plural_brackets():
    """"minimaal 1 speciale teken(s)": Dutch says it with the plural only where it is plural."""
    offenders = []
    for path in dutch_message_files():
        offenders += [f"{key}={value}" for key, value in properties(path).items() if CLUMSY.search(value)]
    offenders += [str(m.id) for m in catalogue() if m.id and CLUMSY.search(str(m.id))]  # ngettext instead
    assert offenders == []


def test_one_word_for_submitting_a_form():
    """Glossary: "Versturen" submits a form (Keycloak's own doSubmit too), never "Valideer"/"Verzenden"."""
    words = {}
    for path in dutch_message_files():
        words.update(properties(path))
    assert words["doSubmit"] == "Versturen"
    assert words["arbo-validate"] == "Versturen"
    assert not [k for k, v in words.items() if re.search(r"\b(Valideer|Verzenden)\b", v)]


# ---------------------------------------------------------------- no untranslated keys

@pytest.mark.parametrize("directory", message_dirs(), ids=lambda p: str(p.relative_to(ROOT)))
def test_english_and_dutch_have_the_same_keys(directory):
    """A key in one language and not the other shows the key, or the other language, on the page.

    The login theme also overrides stock Keycloak texts in one language only (a Dutch text that
    was clumsy): such a key needs no twin in our other file, since Keycloak's stock file has it.
    Without the unpacked distribution we cannot see the stock files, so then only our own
    namespace (arbo…) must be paired.
    """
    en = properties(directory / "messages_en.properties")
    nl = properties(directory / "messages_nl.properties")
    stock_en, stock_nl = stock_keys("en"), stock_keys("nl")

    def unpaired(keys, stock):
        keys = {key for key in keys if not key.startswith("arboBrand")}  # locale-neutral defaults, English only
        if stock is None:
            return {key for key in keys if key.startswith("arbo")}
        return keys - stock

    assert unpaired(set(en) - set(nl), stock_nl) == set(), "English keys without a Dutch text"
    assert unpaired(set(nl) - set(en), stock_en) == set(), "Dutch keys without an English text"
    assert [key for key, value in nl.items() if not value.strip()] == []
    assert [key for key, value in en.items() if not value.strip() and not key.startswith("arboBrand")] == []


def test_every_catalogue_entry_is_translated():
    missing, fuzzy = [], []
    for message in catalogue():
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s and s.strip() for s in strings):
            missing.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert missing == [] and fuzzy == []


def test_every_portal_text_is_in_the_catalogue():
    """Every _("…") in the portal's templates and Python code has an English translation."""
    ids = {message.id if isinstance(message.id, str) else message.id[0] for message in catalogue() if message.id}
    used: dict[str, str] = {}
    call = re.compile(r"""\b(?:_|gettext|lazy_gettext|_l|ngettext)\(\s*(?P<q>["'])(?P<text>(?:\\.|(?!(?P=q)).)*)(?P=q)""", re.S)
    for path in sorted((ROOT / "app").rglob("*")):
        if path.suffix in {".py", ".html", ".txt"} and path.is_file():
            for match in call.finditer(path.read_text(encoding="utf-8")):
                text = match.group("text").encode().decode("unicode_escape") if "\\" in match.group("text") else match.group("text")
                used.setdefault(text, str(path.relative_to(ROOT)))
    assert {text: where for text, where in used.items() if text not in ids} == {}


MSG_KEY = re.compile(r"""\b(?:msg|advancedMsg)\(\s*["']([A-Za-z0-9_.\-]+)["']""")


def stock_keys(lang: str = "*") -> set[str] | None:
    """Keys of Keycloak's stock login/e-mail themes (in `lang`, default both), if the distribution
    is unpacked here (kc_runner does that into .local/ on the first Keycloak start)."""
    jars = sorted(ROOT.glob(".local/**/org.keycloak.keycloak-themes-[0-9]*.jar"))
    if not jars:
        return None
    langs = "(en|nl)" if lang == "*" else lang
    keys: set[str] = set()
    with zipfile.ZipFile(jars[0]) as jar:
        for name in jar.namelist():
            if re.fullmatch(rf"theme/(base|keycloak\.v2)/(login|email)/messages/messages_{langs}\.properties", name):
                text = jar.read(name).decode("utf-8")
                keys |= {m.group(1) for m in re.finditer(r"^\s*([^#!\s=:][^=:\s]*)\s*[=:]", text, re.M)}
    return keys


def test_every_key_our_templates_name_exists():
    ours: set[str] = set()
    for directory in message_dirs():
        ours |= set(properties(directory / "messages_nl.properties"))
        ours |= set(properties(directory / "messages_en.properties"))
    named: dict[str, str] = {}
    for path in ftl_files():
        for key in MSG_KEY.findall(path.read_text(encoding="utf-8")):
            if key.endswith(("-", ".", "_")):  # a prefix completed at run time, e.g. "arbo-method-" + method
                continue
            named.setdefault(key, str(path.relative_to(ROOT)))
    assert named, "no msg(...) calls found: the pattern no longer matches the templates"
    assert {k: w for k, w in named.items() if k.startswith("arbo") and k not in ours} == {}
    stock = stock_keys()
    if stock is None:
        pytest.skip("Keycloak's stock themes are not unpacked here (.local/): only our own keys checked")
    assert {k: w for k, w in named.items() if k not in ours | stock} == {}


def test_keycloak_texts_our_pages_show_are_dutch_and_use_u():
    """Stock Dutch texts that our pages show and that were English, informal or clumsy are overridden."""
    nl = properties(LOGIN / "messages" / "messages_nl.properties")
    assert nl["languages"] == "Taal"  # aria-label of the language menu (stock: the key itself)
    assert "teken(s)" not in nl["invalidPasswordMinSpecialCharsMessage"]
    assert "''Versturen''" in nl["loginTotpStep3"] or "‘Versturen’" in nl["loginTotpStep3"]
    # A locked account must read exactly like a wrong code (no hint for someone guessing codes).
    assert nl["accountTemporarilyDisabledMessageTotp"] == nl["invalidTotpMessage"]
    assert "Gelieve" not in nl["expiredCodeMessage"] and "tweefactor" not in nl["loginTotpIntro"]
