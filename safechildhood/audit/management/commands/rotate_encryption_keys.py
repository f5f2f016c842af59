"""`manage.py rotate_encryption_keys`: re-encrypt every encrypted narrative with the newest key.

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS (old keys after it), run this command,
then drop the old keys. Rows are rewritten in batches, each batch in its own transaction, so the
command can be interrupted and run again.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from safechildhood.fields import EncryptedTextField


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields with the first key of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int, **options):
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            names = [f.attname for f in fields]
            last_pk = None
            while True:
                # Loading decrypts with whichever listed key fits; saving encrypts with the first.
                qs = model._default_manager.order_by("pk")
                if last_pk is not None:
                    qs = qs.filter(pk__gt=last_pk)
                batch = list(qs.only("pk", *names)[:batch_size])
                if not batch:
                    break
                with transaction.atomic():
                    model._default_manager.bulk_update(batch, names)
                total += len(batch)
                last_pk = batch[-1].pk
            self.stdout.write(f"{model._meta.label}: re-encrypted {', '.join(names)}")
        self.stdout.write(self.style.SUCCESS(f"{total} rows re-encrypted with the newest key."))

