"""`_()` in templates: Jinja's newstyle gettext semantics, with a string without variables translated
once per language (app.i18n.template_gettext)."""

from unittest import mock

from flask import render_template_string, session

from app import i18n


def render(app, source, locale=None, **context):
    with app.test_request_context():
        if locale:
            session["locale"] = locale
        return render_template_string(source, **context)


def test_each_language_gets_its_own_text(app):
    assert render(app, '{{ _("Overzicht") }}', "en") == "Overview"
    assert render(app, '{{ _("Overzicht") }}') == "Overzicht"
    assert render(app, '{{ _("Overzicht") }}', "en") == "Overview"


def test_variables_are_escaped_and_percent_signs_formatted(app):
    assert render(app, '{{ _("Werknemers van %(name)s", name=name) }}', name="<b>X & Y</b>") == \
        "Werknemers van &lt;b&gt;X &amp; Y&lt;/b&gt;"
    assert render(app, '{{ _("100%% zeker") }}') == "100% zeker"  # always a format string, as Jinja's newstyle
    assert render(app, '{{ _("<em>%(n)s</em>", n=n) }}', n="<i>") == "<em>&lt;i&gt;</em>"  # the message itself is trusted


def test_ngettext_keeps_newstyle_formatting(app):
    assert render(app, '{{ ngettext("%(num)s werknemer", "%(num)s werknemers", n) }}', n=3) == "3 werknemers"


def test_a_constant_string_is_looked_up_once_per_language(app):
    """Was a context call, a catalogue lookup, a Markup and a `%` per string per page."""
    i18n._constant_text.cache_clear()
    real = i18n._catalogue
    with mock.patch.object(i18n, "_catalogue", side_effect=real) as catalogue:
        for _ in range(5):
            render(app, '{{ _("Overzicht") }} {{ _("Overzicht") }}')
            render(app, '{{ _("Overzicht") }}', "en")
    assert catalogue.call_count == 2
