"""Take the screenshots of esafety serve's pages that README and docs/ show: a question, what to do now and an
incident, at 1280 and at 320 pixels wide, from the real pages in Debian's Chromium.

Run: .venv/bin/python tools/web_screenshots.py
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
ESAFETY = str(Path(sys.executable).with_name("esafety"))
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
ANSWERS = ["head_teacher", "no", "not_sure", "no", "parent_carer", "not_yet"]


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "ESAFETY_HOME": home, "NO_COLOR": "1"}
        server = subprocess.Popen([ESAFETY, "serve", "--no-browser"], stderr=subprocess.PIPE, text=True, env=env)
        said = ""
        while "/open/" not in said:
            said += server.stderr.readline()
        address = re.search(r"http://\S+/open/\S+", said).group(0)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
                for width in (1280, 320):
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    page.goto(address)
                    page.get_by_role("button", name="Start now").click()
                    page.locator("input[name=answer]").nth(1).check()  # the head teacher
                    page.get_by_role("button", name="Continue").click()
                    page.screenshot(path=str(OUT / f"question-{width}.png"), full_page=True)
                    for value in ANSWERS[1:]:
                        page.locator(f"input[name=answer][value='{value}']").check()
                        page.get_by_role("button", name="Continue").click()
                    page.get_by_role("link", name="See what to do").click()
                    page.screenshot(path=str(OUT / f"outcome-{width}.png"), full_page=True)
                    page.get_by_label("Your name").fill("Jo Head")
                    page.get_by_role("button", name="Save as an incident").click()
                    page.screenshot(path=str(OUT / f"incident-{width}.png"), full_page=True)
                    page.close()
                browser.close()
        finally:
            server.send_signal(signal.SIGINT)
            server.communicate(timeout=10)


if __name__ == "__main__":
    main()
