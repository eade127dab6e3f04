from cchc_bot.access import Role
from tests.bot.conftest import *  # noqa
from tests.bot.reporting import fill_in_report

async def test_dbg(harness) -> None:
    await harness.link(5102, Role.COORDINATOR)
    await harness.link(5101, Role.HEAD, "xa_tai_van")
    await harness.say(5101, "/report")
    await fill_in_report(harness, 5101)
    reason = "<" * 1000
    await harness.say(5102, f"/tralai xa_tai_van 2024-Q1 {reason}")
    summary = await harness.say(5101, "/report")
    for m in summary:
        print("MSG", len(m.text or ""), (m.text or "")[:150].replace("\n"," | "))
    import asyncio; await asyncio.sleep(3)
    print("LATER", [ (m.text or "")[:80] for m in harness.server.transcript(5101)[-4:]])
