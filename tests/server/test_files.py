"""Files go up by multipart, come back by file_id, and download from /file/bot<token>/<path>."""

from __future__ import annotations

import struct
import zlib

import httpx
import pytest
from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes, MessageHandler, filters

from cchc_bot.local_bot_api import LocalTelegramServer
from cchc_bot.sandbox.local_bot import BotRunner

from .raw_http import RawBotApi

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def png(width: int, height: int) -> bytes:
    """A valid, blank greyscale PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\0" + b"\xff" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def test_document_upload_get_file_and_download_round_trip(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    bot = (await ptb_app_factory()).bot
    user = telegram_server.add_user()
    content = b"PK\x03\x04 bao-cao-quy-1"

    sent = await bot.send_document(
        user.id, content, filename="bao_cao_Q1.xlsx", caption="<i>Tổng hợp</i>", parse_mode="HTML"
    )

    assert sent.document is not None
    assert sent.document.file_name == "bao_cao_Q1.xlsx"
    assert sent.document.mime_type == XLSX
    assert sent.document.file_size == len(content)
    assert sent.caption == "Tổng hợp"
    file = await bot.get_file(sent.document.file_id)
    assert file.file_path is not None
    assert file.file_path.endswith(".xlsx")
    assert bytes(await file.download_as_bytearray()) == content
    record = telegram_server.last_bot_message(user.id)
    assert record.kind == "document"
    assert record.document == sent.document.to_dict()


async def test_document_is_resent_by_file_id_without_uploading(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    bot = (await ptb_app_factory()).bot
    first, second = telegram_server.add_user(), telegram_server.add_user()
    sent = await bot.send_document(first.id, b"abc", filename="a.csv")
    assert sent.document is not None

    again = await bot.send_document(second.id, sent.document.file_id)

    assert again.document == sent.document
    with pytest.raises(BadRequest, match="Wrong file identifier/http url specified"):
        await bot.send_document(second.id, "AgADnope")


async def test_photo_upload_returns_telegram_sizes_and_can_be_resent(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    bot = (await ptb_app_factory()).bot
    user = telegram_server.add_user()

    sent = await bot.send_photo(user.id, png(1000, 500), caption="Ảnh")

    sizes = [(size.width, size.height) for size in sent.photo]
    assert sizes == [(90, 45), (320, 160), (800, 400), (1000, 500)]
    largest = await bot.get_file(sent.photo[-1].file_id)
    assert bytes(await largest.download_as_bytearray()) == png(1000, 500)
    again = await bot.send_photo(user.id, sent.photo[0].file_id)
    assert again.photo == sent.photo
    with pytest.raises(BadRequest, match=r"(?i)can't use file of type photo as document"):
        await bot.send_document(user.id, sent.photo[-1].file_id)


async def test_photo_that_is_not_an_image_is_rejected(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    bot = (await ptb_app_factory()).bot
    user = telegram_server.add_user()
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(user.id, b"not an image")
    with pytest.raises(BadRequest, match="File must be non-empty"):
        await bot.send_document(user.id, b"", filename="empty.txt")


async def test_bot_downloads_a_document_the_user_sent(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    async def received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        assert message.document is not None
        file = await message.document.get_file()
        data = await file.download_as_bytearray()
        await message.reply_text(f"{message.document.file_name}: {len(data)} byte, {data[:4]!r}")

    await ptb_app_factory(
        configure=lambda app: app.add_handler(MessageHandler(filters.Document.ALL, received))
    )
    user = telegram_server.add_user()

    telegram_server.send_document(user.id, "số_liệu.xlsx", b"PK\x03\x04data", caption="Quý I")
    [reply] = await telegram_server.wait_for_bot_messages(user.id)

    assert reply.text == "số_liệu.xlsx: 8 byte, bytearray(b'PK\\x03\\x04')"
    sent = telegram_server.transcript(user.id)[0]
    assert sent.document is not None
    assert sent.document["mime_type"] == XLSX
    assert sent.caption == "Quý I"


async def test_user_photo_arrives_as_photo_sizes(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    telegram_server.send_photo(user.id, png(64, 48))
    [update] = (await raw_api("getUpdates")).result
    assert [(p["width"], p["height"]) for p in update["message"]["photo"]] == [(64, 48)]


async def test_download_needs_the_token_and_an_existing_path(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    record = telegram_server.send_document(user.id, "a.txt", b"abc")
    assert record.document is not None
    path = (await raw_api("getFile", {"file_id": record.document["file_id"]})).result["file_path"]

    async with httpx.AsyncClient() as client:
        good = await client.get(f"{telegram_server.file_base_url}{telegram_server.token}/{path}")
        wrong_token = await client.get(f"{telegram_server.file_base_url}1:AAA/{path}")
        missing = await client.get(
            f"{telegram_server.file_base_url}{telegram_server.token}/documents/nope.txt"
        )

    assert (good.status_code, good.content) == (200, b"abc")
    assert wrong_token.status_code == 401
    assert missing.status_code == 404
    assert telegram_server.downloads == [path]
