"""A rater in a blind rating tries to read around it in the browser: the greyed downloads are
re-enabled from the developer tools' console and clicked, as anyone curious can. What arrives
holds only the rater's own findings, or nothing at all (the reports are refused, in words).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from blind import ALICE, ALICE_WORD, BOB_WORD, blind_engagement

from toolkit import access, load_engagement, save_engagement, score_engagement
from toolkit.testing import VoilaServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAME = "larchmont-2026-11.json"
#: The console snippet that re-enables a greyed download and clicks it.
READ_AROUND = """(text) => {
    const b = [...document.querySelectorAll('button.tf-download')].find(x => x.textContent == text);
    b.disabled = false;
    b.click();
}"""


ANSWERED = """(text) => [...document.querySelectorAll('button.tf-download')]
    .find(x => x.textContent == text).disabled"""


def _text(data: bytes) -> str:
    if data[:2] == b"PK":  # XLSX: every part of the workbook
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return data.decode("utf-8", "replace")


def test_a_rater_who_re_enables_the_greyed_downloads_gets_only_her_own(
    offline: Any, assessment_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    from toolkit.charts import radar_chart, render_chart

    path = save_engagement(blind_engagement(), assessment_server.engagements / NAME)
    page = offline.new_page()
    page.goto(f"{assessment_server.url}?engagement={NAME}", timeout=90_000)
    wait_for_dashboard(page)
    rater = page.get_by_label("Rater", exact=True)
    rater.click()
    page.keyboard.type(ALICE, delay=25)
    page.wait_for_selector(f"text=you see only your own findings, as {ALICE}", timeout=10_000)
    page.get_by_label("Show factor").select_option(label="All factors")  # her whole share
    page.wait_for_function(
        "n => document.querySelectorAll('.tf-findings-table tbody tr').length === n", arg=3
    )
    buttons = page.locator("button.tf-download")
    names = buttons.all_text_contents()
    assert len(names) == 7 and all(buttons.nth(i).is_disabled() for i in range(len(names)))

    own = access.seen(load_engagement(path), access.Reader(ALICE))
    downloads: list[Any] = []
    page.on("download", lambda download: downloads.append(download))
    delivered = []
    for name in names:
        before = len(downloads)
        if name in ("Radar PNG", "Findings CSV", "Findings XLSX"):
            with page.expect_download(timeout=30_000) as info:
                page.evaluate(READ_AROUND, name)
            data = Path(info.value.path()).read_bytes()
            if name == "Radar PNG":
                assert data == render_chart(radar_chart(score_engagement(own)), "png")
            else:
                text = _text(data)
                assert ALICE_WORD in text
                assert BOB_WORD not in text and "Tanaka" not in text, name
            delivered.append(name)
        else:  # the reports need every rater's findings: refused, and said so on the page
            page.evaluate(READ_AROUND, name)
            # the kernel has answered once it greys the button again (its busy state synced)
            page.wait_for_function(ANSWERED, arg=name, timeout=30_000)
            page.wait_for_selector(
                "text=is made from every rater's findings, and Larchmont Care is in a blind rating",
                timeout=10_000,
            )
            assert len(downloads) == before, f"{name} was downloaded"
    assert delivered == ["Radar PNG", "Findings CSV", "Findings XLSX"]
    assert BOB_WORD not in page.inner_text("body") and BOB_WORD not in page.content()
    assert offline.errors == []
