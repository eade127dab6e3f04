"""Tests of the bundled Trần Đề 2024 configuration operators start from."""

from __future__ import annotations

import pytest

from cchc_bot.config.base import UnitKind
from cchc_bot.config.loading import Configuration, check_configuration, load_configuration
from cchc_bot.config.questionnaire import IndicatorType
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.rules import parse_rule

PERIOD_KINDS = ("Q1", "H1", "Q3", "Y")

COMMUNES = {
    "tt_tran_de": "Thị trấn Trần Đề",
    "tt_lich_hoi_thuong": "Thị trấn Lịch Hội Thượng",
    "xa_dai_an_2": "Xã Đại Ân 2",
    "xa_lieu_tu": "Xã Liêu Tú",
    "xa_lich_hoi_thuong": "Xã Lịch Hội Thượng",
    "xa_trung_binh": "Xã Trung Bình",
    "xa_tai_van": "Xã Tài Văn",
    "xa_vien_an": "Xã Viên An",
    "xa_thanh_thoi_an": "Xã Thạnh Thới An",
    "xa_thanh_thoi_thuan": "Xã Thạnh Thới Thuận",
    "xa_vien_binh": "Xã Viên Bình",
}

# Every indicator the district plan names, with a word its label must contain.
PLAN_INDICATORS = {
    "tc_02": "đúng thẩm quyền",  # VBQPPL ban hành đúng thẩm quyền... (100 %)
    "tc_04": "xử lý hoặc kiến nghị",  # VBQPPL xử lý / kiến nghị sau rà soát (100 %)
    "tthc_01": "công khai",
    "tthc_06": "xin lỗi",
    "tthc_07": "luân chuyển",
    "tthc_08": "số hóa",
    "tthc_09": "số hóa",
    "cqs_01": "ký số",
    "cqs_02": "toàn trình",
    "cqs_03": "thanh toán trực tuyến",
    "cqs_04": "thanh toán trực tuyến",
    "cqs_05": "ISO 9001:2015",
    "cddh_03": "kiểm tra",
    "cddh_05": "tuyên truyền",
    "cddh_06": "hài lòng",
    "tcbm_01": "biên chế",
    "tcbm_02": "hiện có",
    "cv_01": "bồi dưỡng",
    "cv_02": "kỷ luật",
    "tcc_02": "tự chủ tài chính",
    "tcc_03": "giải ngân",
    "txt_01": "Tồn tại, hạn chế",
    "txt_02": "kiến nghị",
    "txt_03": "Nhiệm vụ trọng tâm",
}


@pytest.fixture(scope="module")
def bundled() -> Configuration:
    """The bundled configuration, loaded once."""
    return load_configuration(bundled_config_dir())


def test_bundled_configuration_has_no_issue() -> None:
    assert check_configuration(bundled_config_dir()) == []


def test_bundled_units_are_the_2024_structure(bundled: Configuration) -> None:
    units = bundled.units.units
    kinds = [unit.kind for unit in units]
    assert bundled.units.organisation.name == "UBND huyện Trần Đề"
    assert kinds.count(UnitKind.PHONG) == 13
    assert kinds.count(UnitKind.DVSN) >= 1
    assert kinds.count(UnitKind.CO_QUAN_TINH) >= 1
    assert all(unit.active for unit in units)


def test_bundled_units_have_the_eleven_communes_with_real_names(bundled: Configuration) -> None:
    communes = {unit.code: unit for unit in bundled.units.units if unit.kind is UnitKind.XA}
    assert {code: unit.name for code, unit in communes.items()} == COMMUNES
    assert all(unit.has_tthc for unit in communes.values())


def test_thanh_tra_has_no_administrative_procedures(bundled: Configuration) -> None:
    assert bundled.units.by_code()["thanh_tra"].has_tthc is False
    assert bundled.units.by_code()["vp_hdnd_ubnd"].has_tthc is True


def test_units_to_verify_are_marked_for_phong_noi_vu() -> None:
    text = (bundled_config_dir() / "units.yaml").read_text(encoding="utf-8")
    comment_before_dan_toc = text[: text.index("- code: p_dan_toc")].splitlines()[-3:]
    assert "CẦN XÁC MINH" in "\n".join(comment_before_dan_toc)
    assert text.count("CẦN XÁC MINH") >= 15  # every dvsn and co_quan_tinh entry
    assert "trường mầm non" in text  # schools are left out, with a note saying so


def test_bundled_questionnaire_sections_follow_the_plan(bundled: Configuration) -> None:
    codes = [section.code for section in bundled.questionnaire.sections]
    assert codes == ["CDDH", "TC", "TTHC", "TCBM", "CV", "TCC", "CQS", "TEXT"]
    assert bundled.questionnaire.version == "2024.2"


def test_bundled_questionnaire_has_60_to_75_indicators(bundled: Configuration) -> None:
    # 38 of the 2024 reference, the one-stop block, the plan's items, 7 optional area texts.
    assert 60 <= len(bundled.questionnaire.indicators()) <= 75


@pytest.mark.parametrize(("indicator_id", "word"), PLAN_INDICATORS.items())
def test_every_plan_indicator_is_asked(
    bundled: Configuration, indicator_id: str, word: str
) -> None:
    indicator = bundled.questionnaire.by_id()[indicator_id]
    assert word.casefold() in indicator.label.casefold()


@pytest.mark.parametrize("indicator_id", ["tc_02", "tc_04"])
def test_legal_document_ratios_target_100_percent(
    bundled: Configuration, indicator_id: str
) -> None:
    indicator = bundled.questionnaire.by_id()[indicator_id]
    assert indicator.type is IndicatorType.RATIO
    for kind in PERIOD_KINDS:
        target = indicator.target_for(kind)
        assert target is not None
        assert (target.op, target.value) == (">=", 100)


@pytest.mark.parametrize(
    "indicator_id",
    ["tthc_04", "tthc_07", "tthc_08", "tthc_09", "tcc_03", "cqs_01", "cqs_02", "cqs_04"],
)
def test_uncertain_targets_are_left_to_configuration(
    bundled: Configuration, indicator_id: str
) -> None:
    assert bundled.questionnaire.by_id()[indicator_id].target is None


def test_reference_checks_are_kept(bundled: Configuration) -> None:
    checks = {
        check.rule: check.level
        for _, indicator in bundled.questionnaire.indicators()
        for check in indicator.checks
    }
    assert checks["tthc_04.numerator + tthc_05 == tthc_03"] == "error"
    assert checks["tcbm_02 <= tcbm_01"] == "warning"
    assert checks["cqs_04.denominator <= tthc_02"] == "warning"
    for rule in checks:
        parse_rule(rule)


def test_counts_within_the_data_window_are_cumulative(bundled: Configuration) -> None:
    for _, indicator in bundled.questionnaire.indicators():
        if indicator.type is IndicatorType.INTEGER and "trong kỳ" in indicator.label:
            assert indicator.cumulative, indicator.id
    assert not bundled.questionnaire.by_id()["tcbm_01"].cumulative  # a headcount, not a count


def test_period_kinds_are_those_of_the_contract(bundled: Configuration) -> None:
    assert [rule.code for rule in bundled.schedule.periods] == list(PERIOD_KINDS)
    text = (bundled_config_dir() / "questionnaire.yaml").read_text(encoding="utf-8")
    assert "S1" not in text


def test_ratio_denominators_come_from_earlier_counts(bundled: Configuration) -> None:
    order = [indicator.id for _, indicator in bundled.questionnaire.indicators()]
    by_id = bundled.questionnaire.by_id()
    for indicator_id in order:
        source = by_id[indicator_id].denominator_source
        if source is not None:
            assert by_id[source].type is IndicatorType.INTEGER
            assert order.index(source) < order.index(indicator_id)


# Questions asked per unit and period kind: Q1, H1, Q3, Y.
QUESTION_COUNTS = {
    # xã: everything but the dvsn-only autonomy, the phòng and dvsn staff splits and what
    # Phòng Nội vụ answers once for UBND huyện (recruitment); TTHC review in H1 and Y only,
    # the plans (tuyên truyền, kiểm tra, theo dõi thi hành pháp luật) in Q1 and Y.
    "xa_tai_van": (60, 61, 57, 66),
    # phòng with TTHC and UBND huyện's one-stop office: ISO and online-service counts once,
    # no PAR self-score (Phòng Nội vụ's), no plans, no xã staff split.
    "vp_hdnd_ubnd": (55, 59, 55, 60),
    # phòng without TTHC: no TTHC section, no online services, no ISO, no PAR self-score.
    "thanh_tra": (28, 29, 28, 30),
    "tt_vhtt": (22, 23, 22, 25),  # dvsn: no legal documents, no TTHC, autonomy yearly
    "ca_huyen": (35, 35, 35, 35),  # provincial agency with TTHC: the one-stop block
    "bchqs": (11, 11, 11, 11),  # provincial agency without TTHC: direction, e-signing, texts
}


@pytest.mark.parametrize(("code", "counts"), QUESTION_COUNTS.items())
def test_question_counts_per_unit_and_period(
    bundled: Configuration, code: str, counts: tuple[int, int, int, int]
) -> None:
    unit = bundled.units.by_code()[code]
    found = tuple(len(bundled.questionnaire.questions_for(unit, kind)) for kind in PERIOD_KINDS)
    assert found == counts


def test_sections_asked_depend_on_the_unit(bundled: Configuration) -> None:
    def asked(code: str, kind: str = "Y") -> set[str]:
        unit = bundled.units.by_code()[code]
        return {
            section.code
            for section, indicator in bundled.questionnaire.indicators()
            if indicator.applies(unit, kind, section)
        }

    assert "TTHC" in asked("xa_tai_van")
    assert "TTHC" not in asked("thanh_tra")
    assert "TC" not in asked("ttyt")
    assert {"CDDH", "TEXT"} <= asked("bchqs")
    for unit in bundled.units.units:
        assert "TEXT" in asked(unit.code, "Q1")


def test_autonomy_is_asked_of_dvsn_yearly_only(bundled: Configuration) -> None:
    by_code = bundled.units.by_code()
    autonomy = "tcc_02"
    dvsn_y = {i.id for i in bundled.questionnaire.questions_for(by_code["tt_dvnn"], "Y")}
    dvsn_q1 = {i.id for i in bundled.questionnaire.questions_for(by_code["tt_dvnn"], "Q1")}
    xa_y = {i.id for i in bundled.questionnaire.questions_for(by_code["xa_vien_an"], "Y")}
    assert autonomy in dvsn_y
    assert autonomy not in dvsn_q1
    assert autonomy not in xa_y
