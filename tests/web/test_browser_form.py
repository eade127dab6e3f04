"""The form in a real Chromium beside the real bot: begun in the form, finished in the chat,
returned from the desk, read back through `cchc-bot status --json`."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from typer.testing import CliRunner

import bot  # noqa: F401  (registers the Telegram-facing commands on the CLI)
from cchc_bot.access import Role
from cchc_bot.cli import app as cli_app
from cchc_bot.conversation import QuestionView
from cchc_bot.services.web_access import WebAccessService
from handlers.web.app import build_web_app
from tests.bot.conftest import TOKEN, Harness, config_dir, harness, start_instant
from tests.bot.reporting import current_view, fill_in_report
from tests.web.test_browser import IMAGES, browser
from tests.web.test_routes import init_data

__all__ = ["browser", "config_dir", "harness", "start_instant"]  # fixtures used here

HEAD = 8101
COORDINATOR = 8103


@pytest.fixture
async def web_client(harness: Harness) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    """The web desk on the harness's runtime, beside its running bot."""
    assert harness.application is not None
    desk = build_web_app(harness.runtime, TOKEN, harness.application.bot)
    client = TestClient(TestServer(desk))
    await client.start_server()
    yield client
    await client.close()


def wait_text(driver: webdriver.Chrome, element_id: str, text: str) -> None:
    """Wait until an element (redrawn by the page's script) shows a text."""
    WebDriverWait(driver, 15, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: text in d.find_element(By.ID, element_id).text
    )


def type_into(driver: webdriver.Chrome, name: str, value: str) -> None:
    """Replace an input's value by typing over it (WebDriver's clear() would leave the box)."""
    box = driver.find_element(By.NAME, name)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(value)


def leave(driver: webdriver.Chrome) -> None:
    """Click outside the field: the page's script saves it."""
    driver.find_element(By.ID, "form-title").click()


def begin_in_the_form(driver: webdriver.Chrome, base: str, signed: str, shots: Path) -> None:
    """Open the Mini App with Telegram's initData, make a mistake, fix it, answer question 2."""
    wait = WebDriverWait(driver, 15)
    driver.set_window_size(430, 932)
    driver.get(f"{base}/app#tgWebAppData={quote(signed)}")
    wait.until(expected_conditions.element_to_be_clickable((By.ID, "open-form"))).click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "report-form")))
    type_into(driver, "n.cddh_01", "17")
    type_into(driver, "d.cddh_01", "15")
    leave(driver)
    wait_text(driver, "field-cddh_01", "không được lớn hơn mẫu số")
    driver.save_screenshot(str(shots / "web-form-error.png"))
    type_into(driver, "n.cddh_01", "4")
    type_into(driver, "d.cddh_01", "4")
    leave(driver)
    wait_text(driver, "field-cddh_01", "Đã lưu")
    type_into(driver, "v.cddh_02", "5")
    leave(driver)
    wait_text(driver, "field-cddh_02", "Đã lưu")
    driver.save_screenshot(str(shots / "web-form.png"))


def return_from_the_desk(driver: webdriver.Chrome, base: str, token: str, shots: Path) -> None:
    """The coordinator signs in by link and returns Viên An's report with a reason."""
    wait = WebDriverWait(driver, 15)
    driver.delete_all_cookies()
    driver.set_window_size(1280, 1000)
    driver.get(f"{base}/login?token={token}")
    wait.until(expected_conditions.element_to_be_clickable((By.ID, "sign-in"))).click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "status")))
    driver.get(f"{base}/unit/xa_vien_an?period=2024-Q1")
    reason = wait.until(expected_conditions.presence_of_element_located((By.NAME, "reason")))
    reason.send_keys("Câu 2 chưa khớp sổ theo dõi văn bản.")
    driver.find_element(By.ID, "return-report").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "notice")))
    driver.save_screenshot(str(shots / "web-unit-returned.png"))


def status_json() -> dict[str, object]:
    """`cchc-bot status --period 2024-Q1 --json`, as an operator would run it."""
    result = CliRunner().invoke(cli_app, ["status", "--period", "2024-Q1", "--json"])
    assert result.exit_code == 0, result.output
    loaded: dict[str, object] = json.loads(result.stdout)
    return loaded


async def test_begun_in_the_form_finished_in_the_chat_returned_from_the_desk(
    harness: Harness,
    web_client: TestClient[web.Request, web.Application],
    browser: webdriver.Chrome,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_vien_an", name="Trưởng Viên An")
    await harness.link(COORDINATOR, Role.COORDINATOR, name="Chuyên viên Nội vụ")
    base = str(web_client.make_url("")).rstrip("/")
    shots = tmp_path / "shots"
    shots.mkdir()
    signed = init_data(HEAD, harness.clock(), TOKEN)
    await asyncio.to_thread(begin_in_the_form, browser, base, signed, shots)
    # The head goes on in Telegram: /report resumes after what the form saved.
    await harness.say(HEAD, "/report")
    actor = await harness.runtime.accounts.resolve_actor(HEAD)
    assert actor is not None
    view = await current_view(harness, actor)
    assert isinstance(view, QuestionView)
    assert view.indicator_id == "cddh_03"  # questions 1 and 2 came from the form
    receipt = await fill_in_report(harness, HEAD)
    assert "Đã gửi báo cáo" in (receipt[-1].text or "")
    coordinator = await harness.runtime.accounts.resolve_actor(COORDINATOR)
    link = await WebAccessService(harness.runtime.session_factory, harness.clock).create_link(
        coordinator
    )
    await asyncio.to_thread(return_from_the_desk, browser, base, link.token, shots)
    told = harness.server.last_bot_message(HEAD).text or ""
    assert "Câu 2 chưa khớp sổ theo dõi văn bản." in told
    monkeypatch.setenv("CCHC_DATABASE_URL", harness.runtime.settings.database_url)
    status = await asyncio.to_thread(status_json)
    units = status["units"]
    assert isinstance(units, list)
    vien_an = next(unit for unit in units if unit["code"] == "xa_vien_an")
    assert vien_an["state"] == "returned"
    assert vien_an["returned_reason"] == "Câu 2 chưa khớp sổ theo dõi văn bản."
    IMAGES.mkdir(parents=True, exist_ok=True)
    for shot in shots.iterdir():
        shutil.copyfile(shot, IMAGES / shot.name)
