"""The footer shows the keys that matter now, and is rebuilt only when they change."""

from __future__ import annotations

from convo.tui.screens.conversation import ConversationScreen

from .conftest import SIZE, pass_opening, say


def keys(app) -> list[str]:
    return [key.description for key in app.screen.query("FooterKey")]


async def test_the_footer_offers_accept_and_acknowledge_only_while_there_is_something_to_act_on(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        await pass_opening(pilot)
        assert {"Skip", "Undo", "Re-file", "Go to", "Draft", "Export"} <= set(keys(app))
        assert not {"Accept", "Dismiss", "Acknowledge alert"} & set(keys(app))

        for answer in ["Ann, about getting out", "", "", "", "To sing in the chapel choir again"]:
            await say(pilot, answer)
        await pilot.pause()
        assert {"Accept", "Dismiss"} <= set(keys(app))  # the choir and the chapel wait as suggestions

        await say(pilot, "Her son hit her last week")
        await pilot.pause()
        assert "Acknowledge alert" in keys(app)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert "Acknowledge alert" not in keys(app)


async def test_the_footer_is_not_rebuilt_when_its_keys_stay_the_same(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        before = list(app.screen.query("FooterKey"))
        for _ in range(3):
            app.screen.refresh_bindings()  # what every change of focus does
            await pilot.pause()
        await say(pilot, "Ann, about getting out")  # a turn that changes no key
        assert list(app.screen.query("FooterKey")) == before
