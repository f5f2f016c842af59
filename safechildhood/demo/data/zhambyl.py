"""Zhambyl region as the demo knows it: the city of Taraz and the ten districts, each with its
administrative centre and a few real villages and towns, their police units, the regional
organisations of the programme and the demo staff.

Names follow ``../shared/GLOSSARY.md`` (kk / ru / en). KATO codes are deliberately left blank:
they must come from the official classifier of administrative-territorial objects, and the demo
does not invent them. ``weight`` is a rough share of the region's pupils (districts) or of the
district's pupils (settlements); ``languages`` weighs Kazakh, mixed and Russian schools.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Names:
    kk: str
    ru: str
    en: str


@dataclass(frozen=True)
class SettlementSpec:
    key: str
    names: Names
    kind: str  # geography.Settlement.Kind: "city", "town" or "village"
    weight: float


@dataclass(frozen=True)
class DistrictSpec:
    key: str
    names: Names
    kind: str  # geography.District.Kind: "city" or "district"
    weight: float
    languages: tuple[float, float, float]  # Kazakh, mixed, Russian schools
    police: Names
    settlements: tuple[SettlementSpec, ...]


def _s(key: str, kk: str, ru: str, en: str, weight: float, kind: str = "village"):
    return SettlementSpec(key=key, names=Names(kk, ru, en), kind=kind, weight=weight)


def _police(kk_stem: str, ru_genitive: str, en_stem: str) -> Names:
    return Names(
        f"{kk_stem} аудандық полиция бөлімі",
        f"Отдел полиции {ru_genitive}",
        f"{en_stem} district police unit",
    )


REGION = Names("Жамбыл облысы", "Жамбылская область", "Zhambyl region")

# The administrative centre of each district comes first.
DISTRICTS: tuple[DistrictSpec, ...] = (
    DistrictSpec(
        "taraz", Names("Тараз қаласы", "город Тараз", "Taraz"), "city", 36, (55, 30, 15),
        Names("Тараз қалалық полиция басқармасы", "Управление полиции города Тараз",
              "Taraz city police department"),
        (_s("taraz", "Тараз", "Тараз", "Taraz", 1, kind="city"),),
    ),
    DistrictSpec(
        "baizak", Names("Байзақ ауданы", "Байзакский район", "Baizak district"), "district", 9,
        (80, 15, 5), _police("Байзақ", "Байзакского района", "Baizak"),
        (
            _s("sarykemer", "Сарыкемер", "Сарыкемер", "Sarykemer", 4),
            _s("tuimekent", "Түймекент", "Туймекент", "Tuimekent", 2),
            _s("buryl", "Бурыл", "Бурыл", "Buryl", 2),
            _s("akzhar", "Ақжар", "Акжар", "Akzhar", 1),
        ),
    ),
    DistrictSpec(
        "zhambyl", Names("Жамбыл ауданы", "Жамбылский район", "Zhambyl district"), "district", 7,
        (70, 20, 10), _police("Жамбыл", "Жамбылского района", "Zhambyl"),
        (
            _s("asa", "Аса", "Аса", "Asa", 4),
            _s("sulutor", "Сұлутөр", "Сулутор", "Sulutor", 2),
            _s("kemel", "Кемел", "Кемел", "Kemel", 1),
            _s("togyztarau", "Тоғызтарау", "Тогызтарау", "Togyztarau", 1),
        ),
    ),
    DistrictSpec(
        "zhualy", Names("Жуалы ауданы", "Жуалынский район", "Zhualy district"), "district", 4,
        (85, 10, 5), _police("Жуалы", "Жуалынского района", "Zhualy"),
        (
            _s("b-momyshuly", "Бауыржан Момышұлы", "Бауыржан Момышулы", "Baurzhan Momyshuly", 4),
            _s("kairat", "Қайрат", "Кайрат", "Kairat", 1),
            _s("shakpakata", "Шақпақата", "Шакпаката", "Shakpakata", 1),
        ),
    ),
    DistrictSpec(
        "korday", Names("Қордай ауданы", "Кордайский район", "Korday district"), "district", 12,
        (45, 25, 30), _police("Қордай", "Кордайского района", "Korday"),
        (
            _s("korday", "Қордай", "Кордай", "Korday", 4),
            _s("masanchi", "Масаншы", "Масанчи", "Masanchi", 2),
            _s("sortobe", "Сортөбе", "Сортобе", "Sortobe", 2),
            _s("otar", "Отар", "Отар", "Otar", 1),
        ),
    ),
    DistrictSpec(
        "merke", Names("Меркі ауданы", "Меркенский район", "Merke district"), "district", 7,
        (75, 15, 10), _police("Меркі", "Меркенского района", "Merke"),
        (
            _s("merke", "Меркі", "Мерке", "Merke", 4),
            _s("kostogan", "Қостоған", "Костоган", "Kostogan", 1),
            _s("mynkazan", "Мыңқазан", "Мынказан", "Mynkazan", 1),
            _s("turlybai-batyr", "Тұрлыбай батыр", "Турлыбай батыр", "Turlybai Batyr", 1),
        ),
    ),
    DistrictSpec(
        "moiynkum", Names("Мойынқұм ауданы", "Мойынкумский район", "Moiynkum district"),
        "district", 3, (90, 8, 2), _police("Мойынқұм", "Мойынкумского района", "Moiynkum"),
        (
            _s("moiynkum", "Мойынқұм", "Мойынкум", "Moiynkum", 3),
            _s("shyganak", "Шығанақ", "Шыганак", "Shyganak", 1),
            _s("aksuyek", "Ақсүйек", "Аксуек", "Aksuyek", 1),
        ),
    ),
    DistrictSpec(
        "sarysu", Names("Сарысу ауданы", "Сарысуский район", "Sarysu district"), "district", 3.5,
        (75, 15, 10), _police("Сарысу", "Сарысуского района", "Sarysu"),
        (
            _s("zhanatas", "Жаңатас", "Жанатас", "Zhanatas", 5, kind="town"),
            _s("saudakent", "Саудакент", "Саудакент", "Saudakent", 1),
            _s("baikadam", "Байқадам", "Байкадам", "Baikadam", 1),
        ),
    ),
    DistrictSpec(
        "talas", Names("Талас ауданы", "Таласский район", "Talas district"), "district", 4.5,
        (75, 15, 10), _police("Талас", "Таласского района", "Talas"),
        (
            _s("karatau", "Қаратау", "Каратау", "Karatau", 5, kind="town"),
            _s("oiyk", "Ойық", "Ойык", "Oiyk", 1),
            _s("seiilbek", "Сейілбек", "Сейилбек", "Seiilbek", 1),
            _s("akkol", "Ақкөл", "Акколь", "Akkol", 1),
        ),
    ),
    DistrictSpec(
        "ryskulov", Names("Т. Рысқұлов ауданы", "район Т. Рыскулова", "T. Ryskulov district"),
        "district", 5.5, (85, 10, 5), _police("Т. Рысқұлов", "района Т. Рыскулова", "T. Ryskulov"),
        (
            _s("kulan", "Құлан", "Кулан", "Kulan", 4),
            _s("koragaty", "Қорағаты", "Корагаты", "Koragaty", 1),
            _s("akyrtobe", "Ақыртөбе", "Акыртобе", "Akyrtobe", 1),
        ),
    ),
    DistrictSpec(
        "shu", Names("Шу ауданы", "Шуский район", "Shu district"), "district", 8, (55, 25, 20),
        _police("Шу", "Шуского района", "Shu"),
        (
            _s("tole-bi", "Төле би", "Толе би", "Tole Bi", 3),
            _s("shu", "Шу", "Шу", "Shu", 5, kind="town"),
            _s("birlik", "Бірлік", "Бирлик", "Birlik", 1),
            _s("zhaisan", "Жайсаң", "Жайсан", "Zhaisan", 1),
        ),
    ),
)

CENTRE = Names(
    "Жамбыл облысының психологиялық қолдау орталығы",
    "Центр психологической поддержки Жамбылской области",
    "Zhambyl regional psychological support centre",
)
PROSECUTOR_OFFICE = Names(
    "Жамбыл облысының прокуратурасы",
    "Прокуратура Жамбылской области",
    "Zhambyl regional prosecutor's office",
)

# Where referrals go; all in Taraz. Kinds are directory.ServiceProvider.Kind values.
PROVIDERS: tuple[tuple[str, Names], ...] = (
    ("psychiatrist", Names(
        "Облыстық психикалық денсаулық орталығы",
        "Областной центр психического здоровья",
        "Regional mental health centre",
    )),
    ("narcologist", Names(
        "Облыстық наркологиялық диспансер",
        "Областной наркологический диспансер",
        "Regional narcology clinic",
    )),
    ("paediatrician", Names(
        "Облыстық балалар ауруханасы",
        "Областная детская больница",
        "Regional children's hospital",
    )),
    ("social", Names(
        "Тараз қаласының әлеуметтік қорғау бөлімі",
        "Отдел социальной защиты города Тараз",
        "Taraz social protection department",
    )),
    ("crisis", Names(
        "Зорлық-зомбылықтан зардап шеккендерге арналған дағдарыс орталығы",
        "Кризисный центр для пострадавших от насилия",
        "Crisis centre for survivors of violence",
    )),
    ("ngo", Names(
        "Балалар мен отбасыларды қолдау қоғамдық бірлестігі",
        "Общественное объединение поддержки детей и семей",
        "Children and families support NGO",
    )),
    ("university", Names(
        "М. Х. Дулати атындағы Тараз университетінің психологиялық кеңес беру орталығы",
        "Психологическая консультация Таразского университета имени М. Х. Дулати",
        "Psychological counselling clinic of M. Kh. Dulaty Taraz University",
    )),
)

# The two schools that have demo staff: the first school of a settlement, with its language.
DEMO_SCHOOLS: dict[str, tuple[str, str]] = {
    "taraz": ("taraz", "mixed"),
    "baizak": ("tuimekent", "kk"),
}


@dataclass(frozen=True)
class StaffSpec:
    """A demo account. ``role`` is an accounts.Role value; the scope fields name keys above."""

    username: str
    first_name: str
    last_name: str
    role: str
    school: str = ""  # a key of DEMO_SCHOOLS
    districts: tuple[str, ...] = ()  # district keys, for centre specialists
    police: str = ""  # the district key of the police unit
    is_staff: bool = False  # Django's admin site


STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("psychologist.taraz", "Айгерім", "Жұмабаева", "school_psychologist", school="taraz"),
    StaffSpec("schooladmin.taraz", "Елена", "Ковалёва", "school_admin", school="taraz"),
    StaffSpec("psychologist.baizak", "Гүлнұр", "Ахметова", "school_psychologist", school="baizak"),
    StaffSpec("schooladmin.baizak", "Бауыржан", "Тұрсынов", "school_admin", school="baizak"),
    StaffSpec("specialist.baizak", "Динара", "Әбдірахманова", "centre_specialist",
              districts=("baizak", "zhualy")),
    StaffSpec("specialist.taraz", "Мадина", "Қасымова", "centre_specialist",
              districts=("taraz", "shu")),
    StaffSpec("head", "Сәуле", "Омарова", "centre_head"),
    StaffSpec("inspector.baizak", "Ерлан", "Сейітов", "police_inspector", police="baizak"),
    StaffSpec("inspector.taraz", "Алексей", "Петренко", "police_inspector", police="taraz"),
    StaffSpec("analyst", "Жанар", "Бекова", "prosecutor_analyst"),
    StaffSpec("admin.region", "Нұрлан", "Әлиев", "regional_admin", is_staff=True),
)

# Consent records of generated pupils need a recorder. Outside the demo schools that is this
# account: inactive, no password, no membership; it only says where the records came from.
LOADER_USERNAME = "demo.loader"

# One password for every demo account, printed by `demo_logins`; it passes the password
# validators in config/settings.py. Demo mode only: load_demo refuses to run elsewhere.
DEMO_PASSWORD = "demo-Zhambyl-2026"  # noqa: S105 - a published demo password by design
