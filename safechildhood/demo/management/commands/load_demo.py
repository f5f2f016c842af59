"""`manage.py load_demo [--pupils N] [--seed S] [--if-empty]`: build the deterministic demo of
Zhambyl region (invented pupils in real places, a demo account for every role).

The same seed, number of pupils and school year always give the same pupils. Demo mode only
(SC_DEMO=1, DEBUG or SC_TESTING): the demo must never land in a production database.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from safechildhood.demo.services import BATCH_SIZE, demo_load, demo_region_exists
from safechildhood.errors import DomainError


def refuse_outside_demo_mode() -> None:
    if not (settings.DEMO_MODE or settings.DEBUG or settings.TESTING):
        raise CommandError(_("The demo holds invented children and a published password: it "
                             "runs only in demo mode (SC_DEMO=1)."))


class Command(BaseCommand):
    help = ("Build the deterministic demo of Zhambyl region: districts, settlements, schools, "
            "organisations, a demo account for every role and N generated pupils.")

    def add_arguments(self, parser):
        parser.add_argument("--pupils", type=int, default=3000,
                            help="number of pupils to generate (default 3000; a region ≈ 270000)")
        parser.add_argument("--seed", type=int, default=2026,
                            help="random seed (default 2026): the same seed gives the same demo")
        parser.add_argument("--school-year", type=int, default=None,
                            help="year the school year began (default: the current one); "
                                 "birth dates follow grades in it")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing if Zhambyl region already exists")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE,
                            help=f"pupils written per batch (default {BATCH_SIZE})")

    def handle(self, *args, **options):
        refuse_outside_demo_mode()
        if options["pupils"] < 0 or options["batch_size"] < 1:
            raise CommandError(_("--pupils must be 0 or more and --batch-size at least 1."))
        if demo_region_exists():
            if options["if_empty"]:
                self.stdout.write(_("Zhambyl region is already loaded; the demo is left as it is."))
                return
            raise CommandError(_("Zhambyl region already exists. Load the demo into an empty "
                                 "database, or pass --if-empty to skip."))
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            self.stderr.write(_("pupils: %(done)d of %(total)d (%(seconds).1f s)") % {
                "done": done, "total": total, "seconds": time.monotonic() - started})

        try:
            summary = demo_load(pupils=options["pupils"], seed=options["seed"],
                                school_year=options["school_year"],
                                batch_size=options["batch_size"], progress=progress)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(self.style.SUCCESS(
            _("Demo loaded in %(seconds).1f s (seed %(seed)d, school year %(year)d):") % {
                "seconds": time.monotonic() - started, "seed": summary.seed,
                "year": summary.school_year}))
        # "label: number" lines read correctly with any number in Kazakh, Russian and English.
        for label, value in (
            (_("districts and cities"), summary.districts),
            (_("settlements"), summary.settlements),
            (_("schools"), summary.schools),
            (_("pupils"), summary.pupils),
            (_("parents and guardians"), summary.guardians),
            (_("consent records"), summary.consents),
            (_("demo accounts"), summary.staff),
            (_("possible duplicates to review"), summary.duplicates_found),
        ):
            self.stdout.write(f"  {label}: {value}")
