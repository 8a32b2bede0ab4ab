"""Derive Keycloak's password deny list (arbo-common-passwords.txt) from a public list of common passwords.

    pip download --no-deps --no-binary :all: zxcvbn==4.5.0 -d /tmp/zxcvbn
    python keycloak/password-blacklist/generate.py /tmp/zxcvbn/zxcvbn-4.5.0.tar.gz

Our password policy already refuses anything shorter than 16 characters, so a common password
only matters here in the shapes people use to reach 16: the list's own 16+ entries, and the
short common passwords (plus common Dutch words) padded, repeated, with years and the usual
suffixes. Keycloak lowercases a password before it looks it up, so every entry is lowercase.
The output is sorted and the same for the same input (no randomness, no dates).
"""

from __future__ import annotations

import argparse
import ast
import re
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "arbo-common-passwords.txt"
SOURCE_MEMBER = "zxcvbn/frequency_lists.py"

MIN_LENGTH, MAX_LENGTH = 16, 128  # the realm's length(16) and maxLength(128)
TOP_BASES = 1000  # the most common passwords of the source list that get variants
TOP_BASES_WITH_YEARS = 100  # years multiply: only the most common get them
YEARS = range(1960, 2031)

# Common Dutch password words (our own list): the source list is mostly English.
DUTCH_BASES = """
welkom wachtwoord geheim hallo hoi doei liefde schatje lieverd knuffel voetbal ajax feyenoord psv
nederland holland oranje amsterdam rotterdam utrecht denhaag eindhoven groningen tilburg almere
breda nijmegen zwolle zomer winter lente herfst januari februari maart april mei juni juli augustus
september oktober november december maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
arbodienst verzuim werkgever werknemer portaal inloggen bedrijf kantoor werk poes kat hond konijn
paard prinses engel koning koningin sinterklaas kerstmis vakantie familie kinderen mama papa oma opa
qwerty azerty test admin beheer beheerder gebruiker medewerker gezondheid wachtwoord1 welkom01
welkom1 welkom123 geheim123 zonneschijn regenboog vlinder bloem appel banaan chocolade
""".split()

SUFFIXES = ("", "!", "!!", "?", ".", "#", "@", "1", "1!", "123", "123!")
PAD_SUFFIXES = ("", "!", "?", ".", "#", "@")
YEAR_JOINERS = ("", "@")
DIGITS = "12345678901234567890"
LEET = str.maketrans({"a": "@", "o": "0", "e": "3", "i": "1", "s": "$"})


def read_source(path: Path) -> list[str]:
    """The `passwords` frequency list (most common first) from zxcvbn's sdist or its module file."""
    if path.suffix == ".py":
        text = path.read_text(encoding="utf-8")
    else:
        with tarfile.open(path) as archive:
            member = next(m for m in archive.getmembers() if m.name.endswith(SOURCE_MEMBER))
            text = archive.extractfile(member).read().decode("utf-8")
    # read the string literal (`"passwords": "123456,password,...".split(",")`); never run downloaded code
    match = re.search(r'^\s*"passwords":\s*("[^"\n]*")', text, re.MULTILINE)
    if not match:
        raise SystemExit(f"no passwords list found in {path}")
    return ast.literal_eval(match.group(1)).split(",")


def _fits(candidate: str) -> bool:
    return MIN_LENGTH <= len(candidate) <= MAX_LENGTH


def repeated(base: str) -> set[str]:
    """The base said again until it is long enough, with the usual suffixes: passwordpassword1!"""
    times = -(-MIN_LENGTH // len(base))
    found = set()
    for count in {max(2, times - 1), max(2, times)}:
        for suffix in SUFFIXES:
            found.add(base * count + suffix)
    return found


def padded(base: str) -> set[str]:
    """The base with a digit run or exclamation marks up to 16 (and one or two more): password12345678"""
    found = set()
    for suffix in PAD_SUFFIXES:
        need = MIN_LENGTH - len(base) - len(suffix)
        for extra in (0, 1, 2):
            if 0 < need + extra <= len(DIGITS):
                found.add(base + DIGITS[:need + extra] + suffix)
                found.add(base + "0" + DIGITS[:need + extra - 1] + suffix)
    for extra in (0, 1, 2):
        need = MIN_LENGTH - len(base) + extra
        if 0 < need <= 8:
            found.add(base + "!" * need)
    return found


def with_years(base: str) -> set[str]:
    """The base with a year (the base once or twice), then "!" up to 16: welkomwelkom2024!, welkom2024!!!!!!"""
    found = set()
    for year in map(str, YEARS):
        for joiner in YEAR_JOINERS:
            for stem in (base + joiner + year, base + base + joiner + year):
                found.update((stem, stem + "!"))
                if len(stem) < MIN_LENGTH:
                    found.add(stem + "!" * (MIN_LENGTH - len(stem)))
    return found


def generate(passwords: list[str]) -> list[str]:
    common = [p.strip().lower() for p in passwords if p.strip()]
    entries = {p for p in common if _fits(p)}
    bases = list(dict.fromkeys([p for p in common[:TOP_BASES] if len(p) >= 4] + DUTCH_BASES))
    year_bases = set(p for p in common[:TOP_BASES_WITH_YEARS] if len(p) >= 4) | set(DUTCH_BASES)
    for base in bases:
        for form in dict.fromkeys((base, base.translate(LEET))):
            entries |= repeated(form) | padded(form)
        if base in year_bases:
            entries |= with_years(base)
    return sorted(e for e in entries if _fits(e))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path, help="zxcvbn-4.5.0.tar.gz (PyPI sdist) or its zxcvbn/frequency_lists.py")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    entries = generate(read_source(args.source))
    args.output.write_text("\n".join(entries) + "\n", encoding="utf-8")
    print(f"{len(entries)} entries -> {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
