"""A real browser (headless Chromium) uploads a genuine and a tampered transcript.

The test serves the app on 127.0.0.1 and drives Debian's Chromium with chromedriver. It saves
a screenshot of each result in the folder named by TRANSCRIPT_SCREENSHOTS (default: the test's
temporary folder); the README's pictures come from that.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from transcript.demo.pki import create_demo_pki
from transcript.issuing.credentials import issue_credentials
from transcript.pki.keys import CREDENTIALS, load_identity, password_from
from transcript.pki.trust import TrustSettings
from transcript.sign.xades import XmlSigner
from transcript.wallet import sdjwt
from transcript.web import create_app

from ..helpers import EXAMPLES, require_tool


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    demo = create_demo_pki(folder / "pki")
    identity = load_identity(demo.registrar_p12, password=password_from(password_file=demo.password_file))
    signed = XmlSigner(identity).sign((EXAMPLES / "bachelor-honours.xml").read_bytes())
    genuine = folder / "genuine.xml"
    genuine.write_bytes(signed)
    tampered = folder / "tampered.xml"
    tampered.write_bytes(signed.replace(b"<tc:TotalGPAX>3.77<", b"<tc:TotalGPAX>3.99<"))
    # Signed by another (TEST ONLY) institution's key that the page does not trust: undecided.
    stranger = create_demo_pki(folder / "other-pki")
    foreign = load_identity(
        stranger.registrar_p12, password=password_from(password_file=stranger.password_file)
    )
    untrusted = folder / "untrusted.xml"
    untrusted.write_bytes(XmlSigner(foreign).sign((EXAMPLES / "bachelor-honours.xml").read_bytes()))
    # A wallet presentation showing the English name and the first semester, with its XML.
    vc_key = load_identity(demo.credential_p12, password_file=demo.password_file, purpose=CREDENTIALS)
    trust = TrustSettings.from_files([demo.root], demo.crls)
    (issued,) = issue_credentials(
        [genuine], vc_key, trust, out_dir=folder / "vc", issuer="https://registrar.example.ac.th"
    )
    assert issued.written is not None
    token = sdjwt.parse(issued.written.read_bytes())
    shown = sdjwt.present(
        token, lambda p: p[:3] == ("student", "name", "en") or p[:2] == ("semesters", "0"),
        vc_key.certificate.public_key(),
    )  # fmt: skip
    presentation = folder / "presentation.sd-jwt"
    presentation.write_text(sdjwt.serialise(shown))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(TrustSettings.from_files([demo.root], demo.crls))
    uv = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield {
        "url": f"http://127.0.0.1:{port}", "genuine": genuine, "tampered": tampered, "untrusted": untrusted,
        "folder": folder, "presentation": presentation,
    }  # fmt: skip
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium, driver = require_tool("chromium"), require_tool("chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-quic", "--window-size=1100,1500",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):  # fmt: skip
        options.add_argument(flag)
    session = webdriver.Chrome(service=Service(driver), options=options)
    yield session
    session.quit()


def _upload(browser, server, path: Path, language: str, document: Path | None = None):  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{server['url']}/?lang={language}")
    browser.find_element(By.ID, "file").send_keys(str(path))
    if document is not None:
        browser.find_element(By.ID, "document").send_keys(str(document))
    browser.find_element(By.CSS_SELECTOR, "form.upload button").click()
    return WebDriverWait(browser, 30).until(
        expected_conditions.presence_of_element_located((By.ID, "verdict"))
    )


def _screenshot(browser, server, name: str) -> Path:  # type: ignore[no-untyped-def]
    folder = Path(os.environ.get("TRANSCRIPT_SCREENSHOTS", server["folder"]))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    browser.save_screenshot(str(path))
    return path


@pytest.mark.parametrize("language", ["th", "en"])
def test_genuine_file_shows_the_green_verdict_and_the_student(browser, server, language: str) -> None:
    verdict = _upload(browser, server, server["genuine"], language)
    assert "genuine" in verdict.get_attribute("class")
    assert ("ของจริง" if language == "th" else "Genuine") in verdict.text
    assert ("นางสาวสมหญิง ใจดีมาก" if language == "th" else "Miss Somying Jaidimak") in browser.page_source
    assert _screenshot(browser, server, f"web-genuine.{language}.png").stat().st_size > 10_000


@pytest.mark.parametrize("language", ["th", "en"])
def test_tampered_file_shows_the_red_verdict_and_the_reason(browser, server, language: str) -> None:
    verdict = _upload(browser, server, server["tampered"], language)
    assert "forged" in verdict.get_attribute("class")
    reason = browser.find_element("id", "reason").text
    assert ("ถูกแก้ไขหลังการลงนาม" if language == "th" else "changed after it was signed") in reason
    assert _screenshot(browser, server, f"web-tampered.{language}.png").stat().st_size > 10_000


@pytest.mark.parametrize("language", ["th", "en"])
def test_an_unknown_signer_is_undecided_and_says_what_to_do(browser, server, language: str) -> None:
    verdict = _upload(browser, server, server["untrusted"], language)
    assert "unknown" in verdict.get_attribute("class")
    assert browser.find_element("id", "next-step").text
    assert _screenshot(browser, server, f"web-indeterminate.{language}.png").stat().st_size > 10_000


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_wallet_presentation_with_its_national_file(browser, server, language: str) -> None:
    verdict = _upload(browser, server, server["presentation"], language, document=server["genuine"])
    assert "genuine" in verdict.get_attribute("class")
    assert "Miss Somying Jaidimak" in browser.page_source and "นางสาวสมหญิง" not in browser.page_source
    credential = browser.find_element("id", "credential").text
    assert ("กระเป๋าดิจิทัล" if language == "th" else "wallet credential") in credential
    assert _screenshot(browser, server, f"web-credential.{language}.png").stat().st_size > 10_000
