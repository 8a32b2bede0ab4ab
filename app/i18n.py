"""Dutch by default, English on request (Flask-Babel).

The texts in code and templates are Dutch; app/translations/en/.../messages.po holds the English.
The .po file is compiled into the instance folder at start (no build output in git). The chosen
language lives in session["locale"]; app/auth.py passes it to Keycloak as `ui_locales`, so the
sign-in pages speak the same language.
"""

from __future__ import annotations

import os
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date as babel_format_date

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, Flask, g, has_request_context, redirect, request, session
from flask_babel import Babel, format_date, get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

from app.config import ROOT
from app.redirects import safe_next

LANGUAGES = ("nl", "en")
DEFAULT = "nl"
SOURCE = ROOT / "app" / "translations"

bp = Blueprint("i18n", __name__)
babel = Babel()


def select_locale() -> str:
    if not has_request_context():  # CLI commands and e-mails: Dutch
        return DEFAULT
    locale = session.get("locale")
    return locale if locale in LANGUAGES else DEFAULT


def _catalogue():
    """The request's catalogue. Flask-Babel's template callables look it up anew for every string
    (three context lookups each, about 15% of a dashboard request): once per request is enough, as
    Flask-Babel fixes the locale for the request anyway."""
    if not has_request_context():
        return get_translations()
    catalogue = g.get("_catalogue")
    if catalogue is None:
        catalogue = g._catalogue = get_translations()
    return catalogue


def _locale_name() -> str:
    if not has_request_context():
        return str(get_locale())
    name = g.get("_locale_name")
    if name is None:
        name = g._locale_name = str(get_locale())
    return name


@lru_cache(maxsize=4096)
def _date_text(locale: str, value: date, pattern: str) -> str:
    return babel_format_date(value, pattern, locale=locale)


def date_filter(value=None, format=None, rebase=True) -> str:
    """Flask-Babel's `dateformat`, remembered for plain dates ("3 december 2026" is the same text for
    every request in that language; a page shows dozens, each a Babel pattern walk and three context
    lookups). Datetimes (rebased to the user's time zone) go to Flask-Babel as before."""
    if type(value) is date and format:
        return _date_text(_locale_name(), value, format)
    return format_date(value, format, rebase)


def _formatted(message: str, autoescape: bool, variables: dict) -> str:
    """Jinja's newstyle gettext: always a format string, Markup under autoescape (variables escaped)."""
    text = _catalogue().ugettext(message)
    return (Markup(text) if autoescape else text) % variables


@lru_cache(maxsize=4096)
def _constant_text(locale: str, message: str, autoescape: bool) -> str:
    """A template string without variables, translated and formatted once per language. Jinja's
    newstyle gettext does a context call, a catalogue lookup, a Markup and a `%` for each of the
    thirty-odd strings on every page (about an eighth of a dashboard request); the result only
    depends on these three."""
    return _formatted(message, autoescape, {})


@pass_context
def template_gettext(context, message: str, **variables) -> str:
    """`_()` and `gettext()` in templates, remembered when there are no variables."""
    autoescape = context.eval_ctx.autoescape
    if not variables:
        return _constant_text(_locale_name(), message, autoescape)
    return _formatted(message, autoescape, variables)


def compile_translations(target: Path) -> None:
    """Compile every messages.po under app/translations into target (only when the .po is newer)."""
    for po_path in SOURCE.glob("*/LC_MESSAGES/messages.po"):
        mo_path = target / po_path.relative_to(SOURCE).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        partial = mo_path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        partial.replace(mo_path)  # atomic: several workers may compile at once


def init_app(app: Flask) -> None:
    target = Path(app.instance_path) / "translations"
    compile_translations(target)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(target)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _catalogue().ugettext(s), ngettext=lambda s, p, n: _catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: _catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalogue().unpgettext(c, s, p, n), newstyle=True)
    # after install: `_` is otherwise an alias that resolves `gettext` through the context per call
    app.jinja_env.globals.update(gettext=template_gettext, _=template_gettext)
    app.jinja_env.filters["dateformat"] = date_filter
    app.jinja_env.globals["current_locale"] = select_locale
    app.register_blueprint(bp)


@bp.post("/language")
def switch():
    """Remember the chosen language and go back to the page the user was on."""
    locale = request.form.get("locale")
    if locale in LANGUAGES:
        session["locale"] = locale
    return redirect(safe_next(request.form.get("next")))
