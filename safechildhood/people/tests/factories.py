import datetime as dt

import factory

from safechildhood.directory.tests.factories import SchoolFactory
from safechildhood.people.iin import make_iin
from safechildhood.people.models import Enrollment, Guardian, Pupil
from safechildhood.people.names import match_key


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil
        skip_postgeneration_save = True

    last_name = factory.Sequence(lambda n: f"Әбдіров{n}")
    first_name = "Нұрлан"
    middle_name = "Серікұлы"
    birth_date = dt.date(2011, 3, 14)
    sex = "M"
    school = factory.SubFactory(SchoolFactory)
    grade = 8
    class_letter = "А"
    match_key = factory.LazyAttribute(lambda o: match_key(o.last_name, o.first_name, o.birth_date))

    class Params:
        with_iin = factory.Trait(
            iin=factory.Sequence(lambda n: make_iin(dt.date(2011, 3, 14), "M", n * 7 + 1)
                                 or make_iin(dt.date(2011, 3, 14), "M", n * 7 + 2))
        )

    @factory.post_generation
    def enrolled(obj, create, extracted, **kwargs):
        if create:
            Enrollment.objects.create(pupil=obj, school=obj.school, grade=obj.grade,
                                      class_letter=obj.class_letter,
                                      started_on=dt.date(2024, 9, 1))


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    pupil = factory.SubFactory(PupilFactory)
    relation = Guardian.Relation.MOTHER
    full_name = "Әбдірова Гүлнар Қайратқызы"
    phone = "+7 701 000 00 00"
