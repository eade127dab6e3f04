"""The coordinator's callback-data codec: round trips, 64-byte limit, malformed data refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.telegram.callback_data import (
    MAX_BYTES,
    InvalidPayload,
    Payload,
    RemindCancel,
    RemindConfirm,
    ReturnCancel,
    ReturnStart,
    StatusPage,
    TaskHistoryOpen,
    TaskReopen,
    TasksPage,
    decode,
    encode,
)

units = st.from_regex(r"[a-z0-9_]{1,40}", fullmatch=True)
tasks = st.from_regex(r"[a-z][a-z0-9_]{0,33}", fullmatch=True)
periods = st.builds(
    lambda year, kind: f"{year}-{kind}",
    st.integers(1000, 9999),
    st.from_regex(r"[A-Z][A-Z0-9]{0,3}", fullmatch=True),
)
payloads: st.SearchStrategy[Payload] = st.one_of(
    st.builds(StatusPage, periods, st.integers(0, 999)),
    st.builds(ReturnStart, units, periods),
    st.just(ReturnCancel()),
    st.builds(RemindConfirm, periods, st.none() | units),
    st.just(RemindCancel()),
    st.builds(TasksPage, periods, st.integers(0, 999)),
    st.builds(TaskHistoryOpen, tasks),
    # A task id and a unit code of realistic length (a longer pair is refused, below).
    st.builds(TaskReopen, tasks, st.from_regex(r"[a-z0-9_]{1,25}", fullmatch=True)),
)


@given(payloads)
def test_every_payload_round_trips_within_64_bytes(payload: Payload) -> None:
    data = encode(payload)
    assert len(data.encode()) <= MAX_BYTES
    assert decode(data) == payload


@given(st.text(max_size=80))
def test_decoding_anything_either_refuses_it_or_gives_what_encodes_back(data: str) -> None:
    payload = decode(data)
    if payload is not None:
        assert encode(payload) == data


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "st|x",
        "st|2024-Q1",
        "st|2024-Q1|x",
        "st|2024-Q1|-1",
        "st|2024-Q1|1000",
        "st|2024-Q1|01",
        "st|2024-Q1|1\n",
        "st|２０２４-Q1|1",
        "rt|a|b|c",
        "rt|xa_tai_van",
        "rt|XA|2024-Q1",
        "rt|xa tai van|2024-Q1",
        "rx|1",
        "rm|2024-Q1",
        "rm|-|xa_tai_van",
        "zz|1|2",
        "rt|" + "a" * 41 + "|2024-Q1",
    ],
)
def test_malformed_or_forged_data_is_refused(data: str | None) -> None:
    assert decode(data) is None


@pytest.mark.parametrize(
    "payload",
    [
        StatusPage("2024-Q1", -1),
        StatusPage("2024-Q1", 1000),
        StatusPage("Q1", 0),
        ReturnStart("Xã", "2024-Q1"),
        RemindConfirm("2024-Q1", "a" * 41),
    ],
)
def test_a_malformed_payload_is_not_encoded(payload: Payload) -> None:
    with pytest.raises(InvalidPayload):
        encode(payload)


def test_a_task_reopen_too_long_for_telegram_is_not_encoded() -> None:
    with pytest.raises(InvalidPayload):
        encode(TaskReopen("t" * 34, "u" * 40))
