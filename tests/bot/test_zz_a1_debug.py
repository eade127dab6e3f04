from cchc_bot.access import Role
from tests.bot.conftest import Harness
from tests.bot.reporting import fill_in_report

async def test_debug(harness: Harness) -> None:
    await harness.link(3001, Role.HEAD, "xa_tai_van", "Chủ tịch Tài Văn")
    await harness.say(3001, "/baocao")
    await fill_in_report(harness, 3001, submit=False)
    desc = harness.server.describe_chat(3001)
    print("\n".join(desc.splitlines()[-12:]))
    msg = harness.message_with_button(3001, "✅ Gửi báo cáo")
    print("BUTTON MSG", msg.message_id, msg.text[:200] if msg.text else None)
    out = await harness.press(3001, "✅ Gửi báo cáo")
    print("OUT", out)
    for q in harness.server.state.callback_queries.values():
        print(q)
    assert False
