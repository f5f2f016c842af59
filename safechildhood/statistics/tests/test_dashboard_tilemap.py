"""The tile map of districts: Zhambyl region's districts where they lie, anything else on an
alphabetical grid; colour buckets and their legend; hidden values never coloured."""

from safechildhood.statistics.indicators import HIDDEN
from safechildhood.statistics.tilemap import bucket_of, legend, positions, short_name, tile_map

ZHAMBYL = ("Жамбыл облысы", "Жамбылская область", "Zhambyl region")
DISTRICTS = [
    (1, ("Тараз қаласы", "город Тараз", "Taraz")),
    (2, ("Сарысу ауданы", "Сарысуский район", "Sarysu district")),
    (3, ("Қордай ауданы", "Кордайский район", "Korday district")),
    (4, ("Жуалы ауданы", "Жуалынский район", "Zhualy district")),
    (5, ("Мойынқұм ауданы", "Мойынкумский район", "Moiynkum district")),
    (6, ("Шу ауданы", "Шуский район", "Shu district")),
    (7, ("Жамбыл ауданы", "Жамбылский район", "Zhambyl district")),
]


def test_zhambyl_districts_lie_where_they_are():
    spots, placed = positions(ZHAMBYL, DISTRICTS)
    assert placed
    row = {key: spot[0] for key, spot in spots.items()}
    column = {key: spot[1] for key, spot in spots.items()}
    assert row[2] < row[1] and row[5] < row[1]  # Sarysu and Moiynkum in the north
    assert column[4] < column[7] < column[1] < column[6] < column[3]  # west to east
    assert column[3] == max(column.values())  # Korday in the south-east
    assert len(set(spots.values())) == len(DISTRICTS)


def test_other_regions_and_unknown_districts_go_alphabetically_below():
    spots, placed = positions(("Алматы облысы", "Алматинская область", "Almaty region"),
                              [(10, ("", "Талгарский район", "")), (11, ("", "Енбекшиказахский",
                                                                          ""))])
    assert not placed
    assert spots == {11: (0, 0), 10: (0, 1)}
    spots, _placed = positions(ZHAMBYL, [*DISTRICTS, (99, ("", "Новый район", "New district"))])
    assert spots[99][0] > max(spots[k][0] for k, _n in DISTRICTS)


def test_buckets_and_legend_agree():
    assert [bucket_of(v, top=20, percent=False) for v in (0, 1, 5, 6, 15, 20)] == \
        [0, 1, 1, 2, 3, 4]
    assert bucket_of(HIDDEN, top=20, percent=False) is None
    assert bucket_of(None, top=20, percent=False) is None
    assert [bucket_of(v, top=0, percent=True) for v in (0, 25, 26, 100)] == [0, 1, 2, 4]
    labels = [e.label for e in legend(top=20, percent=False, hidden_label="<5",
                                      missing_label="no data")]
    assert labels == ["0", "1–5", "6–10", "11–15", "16–20", "<5", "no data"]


def test_tiles_link_and_hide_small_values():
    districts = [(key, names, names[2]) for key, names in DISTRICTS[:3]]
    result = tile_map(region_names=ZHAMBYL, districts=districts,
                      values={1: 40, 2: HIDDEN, 3: None}, texts={1: "40", 2: "<5", 3: "—"},
                      links={1: "?district=1", 2: "?district=2", 3: "?district=3"},
                      percent=False, language="ru")
    tiles = {t.key: t for t in result.tiles}
    assert tiles[1].css == "b4" and tiles[1].name == "Тараз"
    assert tiles[2].css == "hidden" and tiles[2].text == "<5"
    assert tiles[3].css == "missing"
    assert tiles[3].link == "?district=3"
    assert short_name("Baizak district") == "Baizak"
    assert short_name("Байзақ ауданы") == "Байзақ"
