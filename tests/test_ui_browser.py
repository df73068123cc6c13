"""The training UI end to end: a short ``train --ui`` run watched by a real headless Chromium (Debian's
chromium + chromium-driver through Selenium), then the finished run read back from its folder beside it; the
security refusals checked with exact HTTP requests. Saves ``build/ui/training-ui.png`` (the README's screenshot
is a copy of it)."""

from __future__ import annotations

import json
import re
import threading
import time

import pytest

from job_support import REPO_ROOT, TEST_HOME, small_flowers
from ui_support import chromium, raw_get, split_url

from pydl4j_transfer.hooks import TrainingHooks

SCREENSHOT = REPO_ROOT / "build" / "ui" / "training-ui.png"


class SlowSteps(TrainingHooks):
    """Each minibatch waits a little, so that the page polls several times while training runs."""

    def on_batch(self, epoch, batch, run_dir):
        time.sleep(0.12)


def wait_for(condition, timeout: float, what: str, poll: float = 0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(poll)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    yield driver
    driver.quit()


def test_page_follows_a_training_run_and_refuses_what_it_must(tmp_path, browser, jvm, capsys, monkeypatch):
    """``train --ui`` prints the address; the page at it follows the run while it trains, shows its evaluation at
    the end and, once ``ui RUN_DIR`` registers the finished folder, both runs side by side."""
    from pydl4j_transfer.cli import main

    monkeypatch.setenv("PYDL4J_HOME", str(TEST_HOME))      # converted weights shared with the other tests
    data = small_flowers(tmp_path / "data", per_class=8)
    argv = ["train", "--data", str(data), "--out", str(tmp_path / "run"), "--epochs", "4", "--batch-size", "2",
            "--workers", "1", "--no-progress", "--ui", "--ui-port", "0"]
    outcome = []
    runner = threading.Thread(target=lambda: outcome.append(main(argv, hooks=SlowSteps())), daemon=True)
    printed = []

    def address():
        printed.append(capsys.readouterr().out)
        found = re.search(r"training UI: (http://\S+)", "".join(printed))
        return found and found.group(1)

    runner.start()
    url = wait_for(address, 120, "train --ui to print the address")
    host, port, token = split_url(url)
    assert host == "127.0.0.1" and len(token) >= 40

    browser.get(url)
    chart = lambda: int(browser.find_element("id", "loss-chart").get_attribute("data-points") or 0)
    first = wait_for(chart, 120, "the loss chart's first points")
    assert runner.is_alive(), "training ended before the page showed it running"
    later = wait_for(lambda: chart() > first and chart(), 30, "the loss chart to gain points")
    assert later > first
    assert runner.is_alive(), "the chart must grow while training runs"
    assert browser.find_element("id", "run-state").text.startswith("running")

    runner.join(300)
    assert not runner.is_alive() and outcome == [0], (outcome, "".join(printed) + capsys.readouterr().err)
    confusion = wait_for(lambda: browser.find_elements("css selector", "#confusion table tr"), 20,
                         "the confusion matrix after the last epoch")
    assert len(confusion) == 1 + 5                       # header + one row per class
    assert browser.find_element("id", "run-state").text.startswith("finished")
    assert "daisy" in browser.find_element("id", "per-class").text
    assert browser.find_elements("css selector", "#model tr.trainable")   # the new head, among frozen vertices
    accuracy = json.loads((tmp_path / "run" / "metrics.json").read_text())["accuracy"]
    assert browser.find_element("id", "t-testacc").text == f"{accuracy:.4f}"

    # the finished run, read back from its folder, beside the live one
    from pydl4j_transfer.ui_cmd import serve_runs

    server, _, sessions = serve_runs([tmp_path / "run"], port=0)
    assert str(server.getUrl()) == url                   # one UI per process: the same server
    wait_for(lambda: len(browser.find_elements("css selector", "#runs button")) == 2, 20, "the second run")
    wait_for(lambda: browser.find_element("id", "compare-section").is_displayed(), 10, "the compare section")
    assert int(browser.find_element("id", "compare-chart").get_attribute("data-points")) >= 2 * 4
    time.sleep(0.5)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 20_000

    # refusals, with exact bytes on the wire
    ok = f"?token={token}"
    assert raw_get(url, "/api/sessions" + ok)[0] == 200
    for target in ("/../../etc/passwd", "/assets/../assets/app.js", "/assets/%2e%2e/%2e%2e/etc/passwd",
                   "/assets/..%2f..%2fetc%2fpasswd", "/assets%2fapp.js", "/api/sessions/%2e%2e"):
        status, body = raw_get(url, target + ok)
        assert status in (400, 404), (target, status)
        assert "root:" not in body and "use strict" not in body
    status, body = raw_get(url, "/api/sessions")
    assert status == 401 and sessions[0] not in body
    assert raw_get(url, "/")[0] == 401
    assert raw_get(url, "/api/sessions?token=" + token[:-2] + "xx")[0] == 401
    status, body = raw_get(url, "/api/sessions" + ok, host_header=f"rebind.example:{port}")
    assert status == 403 and sessions[0] not in body
    assert raw_get(url, "/api/sessions" + ok, host_header=f"localhost:{port}")[0] == 200

