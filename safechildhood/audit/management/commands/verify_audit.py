"""`manage.py verify_audit`: check the whole audit chain; exit 1 naming the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from safechildhood.audit.services import audit_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; exits non-zero at the first broken link."

    def handle(self, *args, **options):
        checked, broken = audit_verify()
        if broken is not None:
            raise CommandError(
                f"Audit chain broken at event #{broken.event_id}: {broken.reason}. "
                f"{checked} events before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} events verified."))
