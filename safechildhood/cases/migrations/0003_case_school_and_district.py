import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

BATCH = 5000  # cases per UPDATE: 100,000 cases are 20 statements


def backfill(apps, schema_editor):
    """Every case takes its pupil's current school and that school's district, in batches of
    ids (portable: one correlated UPDATE per batch on SQLite and PostgreSQL)."""
    RiskCase = apps.get_model("cases", "RiskCase")
    Pupil = apps.get_model("people", "Pupil")
    db = schema_editor.connection.alias
    cases = RiskCase.objects.using(db)
    pupil = Pupil.objects.using(db).filter(pk=OuterRef("pupil_id"))
    last = cases.order_by("-pk").values_list("pk", flat=True).first() or 0
    for start in range(0, last + 1, BATCH):
        cases.filter(pk__gte=start, pk__lt=start + BATCH).update(
            school_id=Subquery(pupil.values("school_id")[:1]),
            district_id=Subquery(pupil.values("school__district_id")[:1]))
    if schema_editor.connection.vendor == "postgresql":
        # The new foreign keys are checked at commit (DEFERRABLE INITIALLY DEFERRED); check them
        # now, or PostgreSQL refuses the ALTER TABLE below ("pending trigger events").
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    """A risk case stores its place: the pupil's current school and its district (kept equal to
    the pupil's by the triage services and the pupil's transfer). The statistics count a region's
    cases from these instead of reading all of its pupils (country scale, 4 million pupils: the
    risk group table 1,110 → 90 ms, referrals 840 → 47 ms; bench/RESULTS.md), with indexes on
    (district | school, opened_at, closed_at) and on Referral.sent_at.

    Added nullable, filled from each case's pupil, then made required: a pupil always has a school
    (people.Pupil.school is required), so every case gets one."""

    dependencies = [
        ("cases", "0002_worked_cases_by_last_contact_index"),
        ("directory", "0001_initial"),
        ("geography", "0001_initial"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="riskcase",
            name="school",
            field=models.ForeignKey(db_index=False, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="directory.school",
                                    verbose_name="school"),
        ),
        migrations.AddField(
            model_name="riskcase",
            name="district",
            field=models.ForeignKey(db_index=False, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="geography.district",
                                    verbose_name="district"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="riskcase",
            name="school",
            field=models.ForeignKey(db_index=False, editable=False,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="directory.school",
                                    verbose_name="school"),
        ),
        migrations.AlterField(
            model_name="riskcase",
            name="district",
            field=models.ForeignKey(db_index=False, editable=False,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="geography.district",
                                    verbose_name="district"),
        ),
        migrations.AddIndex(
            model_name="riskcase",
            index=models.Index(fields=["district", "opened_at", "closed_at"],
                               name="case_district_opened"),
        ),
        migrations.AddIndex(
            model_name="riskcase",
            index=models.Index(fields=["school", "opened_at", "closed_at"],
                               name="case_school_opened"),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["sent_at"], name="referral_sent_at"),
        ),
    ]
