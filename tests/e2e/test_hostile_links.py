"""A shared link can never run script in the page (served with ``panel serve``).

Every page is opened with every URL parameter it reads set to hostile markup; the page must
say, as plain text, which settings it ignored, keep working, inject nothing, run no handler,
and leave no traceback in the server log.
"""
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.hostile import PAYLOADS, SHORT_PAYLOAD, hostile_query, page_names, probe

pytestmark = pytest.mark.e2e

IGNORED = re.compile(r"cannot use; each was ignored")
ROOT = Path(__file__).resolve().parents[2]


def _log_since(server, start):
    return server.log.read_bytes()[start:].decode("utf-8", "replace")


@pytest.mark.parametrize("name", page_names())
def test_hostile_values_in_every_parameter(name, app_page, panel_app, _servers, screenshot):
    base = panel_app(f"app/pages/{name}.py").split("?")[0]
    server = _servers[(ROOT / f"app/pages/{name}.py").resolve()]
    for n, payload in enumerate(PAYLOADS):
        start = server.log.stat().st_size
        app_page.goto(f"{base}?{urlencode(hostile_query(name, payload))}")
        message = app_page.get_by_text(IGNORED).first
        expect(message).to_be_visible(timeout=90_000)
        if payload == SHORT_PAYLOAD:       # quoted whole, as the characters typed
            expect(app_page.get_by_text(SHORT_PAYLOAD).first).to_be_visible()
        app_page.wait_for_timeout(1500)    # later renders (deferred figures) get their chance too
        assert probe(app_page) == {"found": [], "ran": None}
        log = _log_since(server, start)
        assert "Traceback" not in log, log[-3000:]
        screenshot(app_page, f"hostile-{name}-{n}")


def test_the_page_keeps_the_good_values_and_names_the_bad_one(app_page, panel_app):
    app_page.goto(panel_app("app/pages/draw.py", brush=30, model=SHORT_PAYLOAD, lang="zh"))
    message = app_page.get_by_text(re.compile("无法使用的设置"))
    expect(message).to_be_visible(timeout=60_000)
    expect(message).to_contain_text("model")
    expect(message).to_contain_text(SHORT_PAYLOAD)
    expect(app_page.get_by_text("笔刷粗细")).to_contain_text("30")                # the good value is applied
    assert probe(app_page) == {"found": [], "ran": None}


@pytest.mark.parametrize("value", ["NaN", "inf", "-inf", "1e308", "x" * 10_000, "[[[[[[[[", "{\"a\":"],
                         ids=["nan", "inf", "-inf", "1e308", "10000-chars", "brackets", "json"])
def test_odd_numbers_and_long_values(value, app_page, panel_app):
    app_page.goto(panel_app("app/pages/conv.py", kernel=value, stride=value, padding=value))
    if not value.startswith(("[", "{")):   # (Panel drops a value it cannot parse as JSON, with a log line)
        message = app_page.get_by_text(IGNORED).first
        expect(message).to_be_visible(timeout=60_000)
        text = message.inner_text()
        assert "kernel" in text and len(text) < 2000      # a long value is named by its start
    expect(app_page.get_by_test_id("conv-formula-text")).to_be_visible()   # the lab works on its defaults


def test_repeated_parameters_take_the_last(app_page, panel_app):
    base = panel_app("app/pages/draw.py").split("?")[0]
    app_page.goto(f"{base}?brush=5&brush=31")
    expect(app_page.get_by_test_id("draw-canvas")).to_be_visible(timeout=60_000)
    expect(app_page.get_by_text("Brush width")).to_contain_text("31")
