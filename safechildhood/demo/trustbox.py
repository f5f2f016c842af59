"""Trust box messages of the demo region: a handful of children's messages in Kazakh, Russian and
English, named by school, by district or not at all, some urgent; one answered by the district's
specialist and one closed. Called by ``demo_load`` after the staff exist:

    demo_trustbox(seed=seed, head=staff["head"], specialists={user: [district keys]},
                  districts=districts, schools=[demo schools])

It returns the reply code of the answered message, so that the demo can show a visitor how a
child reads an answer (the code is shown once, as to a child, and stored only as a hash).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from safechildhood.access.policy import actor_for
from safechildhood.directory.models import School
from safechildhood.geography.models import District
from safechildhood.trustbox import services
from safechildhood.trustbox.models import TrustMessage


@dataclass(frozen=True)
class DemoTrustBox:
    messages: int
    answered_code: str  # the reply code of the answered message, for the demo's visitors


# (language, where: "school" | "district" | "none", contact, hours ago, text)
MESSAGES: tuple[tuple[str, str, str, int, str], ...] = (
    ("kk", "school", "code", 3,
     "Сыныптастарым мені күнде мазақтайды, телефонымды алып қояды. Мұғалімге айтуға қорқамын."),
    ("ru", "school", "school", 9,
     "Отчим бьет маму и меня, когда пьет. Сегодня ночью я не хочу идти домой. "
     "Я учусь в 7 Б, можно найти меня в школе."),
    ("ru", "district", "code", 30,
     "Мне всё время грустно, ни с кем не хочется разговаривать. Родители говорят, что это "
     "лень. Что мне делать?"),
    ("en", "none", "code", 52,
     "A man I met online asks me to send photos and says he will tell my parents if I stop."),
    ("kk", "district", "phone", 75,
     "Досым үйден қашам дейді, ата-анасы ұрсады екен. Оған қалай көмектесемін? "
     "Маған +7 700 000 00 00 нөміріне жазыңыз."),
    ("ru", "school", "code", 120,
     "Спасибо, что ответили в прошлый раз. Мне стало легче, я поговорила с психологом."),
)
ANSWER = ("Сәлем! Хатыңды оқыдық, жазғаның дұрыс болды. Бұл сенің кінәң емес. Ертең мектебіңе "
          "орталықтың маманы келеді, сабақтан кейін психолог кабинетінде сөйлесейік. Қазір "
          "қиын болса, 111 нөміріне қоңырау шал.")


def _specialist_for(district: District | None, specialists: dict, districts: dict, head):
    """The specialist whose districts include ``district``; the head otherwise."""
    for user, keys in specialists.items():
        if district is not None and any(districts[k].pk == district.pk for k in keys):
            return user
    return head


def demo_trustbox(*, seed: int, head, specialists: dict, districts: dict[str, District],
                  schools: list[School]) -> DemoTrustBox:
    rng = random.Random(seed + 11)  # noqa: S311 - seeded demo data, not a secret
    now = timezone.now()
    answered_code = ""
    made: list[TrustMessage] = []
    for language, where, contact, hours, text in MESSAGES:
        school = rng.choice(schools) if where == "school" and schools else None
        district = (rng.choice(list(districts.values()))
                    if where == "district" and districts else None)
        details = {"school": "7 Б", "phone": "+7 700 000 00 00"}.get(contact, "")
        received = services.message_submit(body=text, language=language, school=school,
                                           district=district, contact=contact,
                                           contact_details=details)
        TrustMessage.objects.filter(pk=received.message.pk).update(
            created_at=now - dt.timedelta(hours=hours))
        made.append(received.message)
        if not answered_code and language == "kk":
            message = received.message
            user = _specialist_for(message.district, specialists, districts, head)
            services.reply_add(actor=actor_for(user), message=message, body=ANSWER)
            answered_code = received.code
    services.message_close(actor=actor_for(head), message=made[-1])
    return DemoTrustBox(messages=len(made), answered_code=answered_code)
