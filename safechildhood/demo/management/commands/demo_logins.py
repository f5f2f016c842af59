"""`manage.py demo_logins`: list every demo account with its role, password, scope and API token
(created if missing), as a table in the active language (or --language kk|ru|en)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from safechildhood.demo.management.commands.load_demo import refuse_outside_demo_mode
from safechildhood.demo.selectors import DemoLogin, demo_login_list, demo_pupil_codes
from safechildhood.demo.services import demo_tokens_ensure


def format_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    return [line(headers), line(["-" * w for w in widths]), *(line(row) for row in rows)]


class Command(BaseCommand):
    help = "List every demo account with its role, password, scope and API token."

    def add_arguments(self, parser):
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                            help="language of the table (default: the active language)")

    def handle(self, *args, **options):
        refuse_outside_demo_mode()
        demo_tokens_ensure()
        with translation.override(options["language"] or translation.get_language()):
            logins = demo_login_list()
            if not logins:
                raise CommandError(_("The demo is not loaded: run manage.py load_demo first."))
            self._print(logins)

    def _print(self, logins: list[DemoLogin]) -> None:
        self.stdout.write(_("Demo accounts of Zhambyl region (invented data):"))
        headers = [_("Role"), _("Username"), _("Password"), _("Scope"), _("API token")]
        rows = [[x.role_label, x.username, x.password, x.scope, x.token] for x in logins]
        for text in format_table(headers, rows):
            self.stdout.write(text.rstrip())
        self.stdout.write("")
        if settings.REQUIRE_OTP:
            self.stdout.write(_("The second factor is on: each account sets up an authenticator "
                                "app at its first login."))
        else:
            self.stdout.write(_("The second factor is off in demo mode: log in with the username "
                                "and password alone."))
        self.stdout.write(_("API: send the header \"Authorization: Token <token>\"."))
        codes = demo_pupil_codes()
        if codes:
            self.stdout.write("")
            self.stdout.write(_("Pupils' one-time codes for the questionnaire at /q/ (each works "
                                "once):"))
            for school, grade, code in codes:
                self.stdout.write(f"  {code}  {school}, {grade}")
