"""A real PTB Application talks to the local server over HTTP, end to end."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from cchc_bot.local_bot_api import LocalTelegramServer
from cchc_bot.sandbox.local_bot import AnyApplication, BotRunner


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Bắt đầu báo cáo", callback_data="report:start")]]
    )
    await update.effective_message.reply_text(
        "<b>Xin chào!</b> Chọn việc cần làm:", parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    assert update.effective_message.text is not None
    await update.effective_message.reply_text(f"Đã nhận: {update.effective_message.text}")


async def _pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Đang mở báo cáo")
    await query.edit_message_text(f"Bạn đã chọn: {query.data}")


def _handlers(application: AnyApplication) -> None:
    application.add_handler(CommandHandler("start", _start))
    application.add_handler(CallbackQueryHandler(_pressed))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))


async def test_start_button_press_and_edit_round_trip_over_http(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    await ptb_app_factory(configure=_handlers)
    user = telegram_server.add_user(first_name="Lan", username="lan_tp")

    telegram_server.start_bot(user.id)
    [welcome] = await telegram_server.wait_for_bot_messages(user.id)
    assert welcome.text == "Xin chào! Chọn việc cần làm:"
    assert welcome.entities == [{"type": "bold", "offset": 0, "length": 9}]
    assert welcome.button_texts == ["Bắt đầu báo cáo"]

    query = telegram_server.press_button(user.id, welcome.message_id, text="Bắt đầu báo cáo")
    await telegram_server.wait_for(lambda: welcome.edit_date is not None, what="the edit")
    await telegram_server.wait_until_idle()

    assert telegram_server.callback_query(query.id).answer == {"text": "Đang mở báo cáo"}
    assert welcome.text == "Bạn đã chọn: report:start"
    assert welcome.buttons == []  # editMessageText without reply_markup drops the keyboard
    assert welcome.edits[0]["text"] == "Xin chào! Chọn việc cần làm:"
    assert telegram_server.unanswered_callback_queries() == []


async def test_echo_replies_once_per_message_in_order(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    await ptb_app_factory(configure=_handlers)
    user = telegram_server.add_user()

    telegram_server.send_text(user.id, "Một")
    telegram_server.send_text(user.id, "Hai")
    await telegram_server.wait_for_bot_messages(user.id, 2, after=0)
    await telegram_server.wait_until_idle()

    transcript = [(r.from_bot, r.text) for r in telegram_server.transcript(user.id)]
    assert transcript == [
        (False, "Một"),
        (False, "Hai"),
        (True, "Đã nhận: Một"),
        (True, "Đã nhận: Hai"),
    ]
    assert [r.message_id for r in telegram_server.transcript(user.id)] == [1, 2, 3, 4]
    assert len(telegram_server.calls("sendMessage", chat_id=user.id, ok=True)) == 2
    assert telegram_server.call_counts["getMe"] == 1
