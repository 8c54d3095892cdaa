"""The page's words for people: every verdict, reason and check in plain Thai on the Thai page
and plain English on the English one, with what to do next; what a file says is shown only
when the institution's signature on it is confirmed; times in Thailand's time."""

from __future__ import annotations

import re

import lxml.html
import pytest
from fastapi.testclient import TestClient

from transcript.demo.pki import create_demo_pki
from transcript.package import build_package
from transcript.pki.keys import load_identity, password_from
from transcript.pki.trust import TrustSettings
from transcript.sign.pades import PdfSigner
from transcript.sign.xades import XmlSigner
from transcript.verify import SubIndication, Verdict, verify
from transcript.verify.explain import _REASONS, _TITLES, check_title, explain
from transcript.web import create_app

from ..helpers import EXAMPLES

# Three or more English words in a row: a sentence, not an acronym (PDF, XML, GPAX).
_ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'-]+(?:[ ,.:;()]+[A-Za-z][A-Za-z'-]*){2,}")


def visible_english(html: str) -> list[str]:
    """English runs in what a reader of the page sees, leaving out what is marked as English
    (certificate names, the technical details) and the language switch."""
    root = lxml.html.fromstring(html)
    for element in root.xpath('//*[@lang="en"] | //head | //a[contains(@href, "lang=")]'):
        element.drop_tree()
    return _ENGLISH_RUN.findall(root.text_content())


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("words")
    demo = create_demo_pki(folder / "pki")
    stranger = create_demo_pki(folder / "other-pki")
    identity = load_identity(demo.registrar_p12, password=password_from(password_file=demo.password_file))
    foreign = load_identity(
        stranger.registrar_p12, password=password_from(password_file=stranger.password_file)
    )
    signed = XmlSigner(identity).sign((EXAMPLES / "bachelor-honours.xml").read_bytes())
    files = {
        "genuine": signed,
        "tampered": signed.replace(b"<tc:TotalGPAX>3.77<", b"<tc:TotalGPAX>3.99<"),
        "untrusted": XmlSigner(foreign).sign((EXAMPLES / "bachelor-honours.xml").read_bytes()),
    }
    trust = TrustSettings.from_files([demo.root], demo.crls)
    without_crls = TrustSettings.from_files([demo.root])
    return {
        "trust": trust, "files": files,
        "client": TestClient(create_app(trust)), "no_crls": TestClient(create_app(without_crls)),
    }  # fmt: skip


def page(client: TestClient, data: bytes, language: str) -> str:
    response = client.post("/verify", files={"file": ("t.xml", data)}, data={"lang": language})
    assert response.status_code == 200
    return response.text


CASES = [
    ("client", "genuine", "genuine"),
    ("client", "tampered", "forged"),
    ("client", "untrusted", "unknown"),
    ("no_crls", "genuine", "unknown"),
]


@pytest.mark.parametrize(("client", "file", "tone"), CASES)
def test_the_thai_page_has_no_english_sentence(site, client: str, file: str, tone: str) -> None:
    html = page(site[client], site["files"][file], "th")
    assert f'class="verdict {tone}"' in html
    assert visible_english(html) == []
    root = lxml.html.fromstring(html)
    checks = site[client].post("/api/verify", files={"file": ("t.xml", site["files"][file])}).json()["checks"]
    assert len(root.xpath('//tr[@class="check"]')) == len(checks) >= 3  # every check, in words
    assert root.xpath('//details[@id="technical"][@lang="en"]')  # the English log, marked as such


@pytest.mark.parametrize(("client", "file", "tone"), CASES)
def test_a_failure_says_why_and_what_to_do_next_in_both_languages(site, client: str, file: str, tone) -> None:
    for language in ("th", "en"):
        root = lxml.html.fromstring(page(site[client], site["files"][file], language))
        reason, step = root.xpath('//dd[@id="reason"]'), root.xpath('//dd[@id="next-step"]')
        if tone == "genuine":
            assert not reason and not step
            continue
        assert reason and step and reason[0].text_content().strip() and step[0].text_content().strip()
        if language == "th":
            assert re.search("[\u0e00-\u0e7f]", reason[0].text_content() + step[0].text_content())


def test_a_missing_crl_is_named_as_the_cause(site) -> None:
    report = verify(site["files"]["genuine"], TrustSettings(roots=site["trust"].roots))
    assert report.verdict is Verdict.INDETERMINATE and report.sub_indication is SubIndication.TRY_LATER
    assert "no revocation data" in report.reason and "--crl" in report.reason
    assert report.reason.count("TRY_LATER") == 0  # the code is said once, by the report's line, not twice
    english = explain(report, "en")
    assert "revocation data (CRL)" in english.reason and "operator" in english.next_step
    html = page(site["no_crls"], site["files"]["genuine"], "en")
    assert "no current revocation data (CRL)" in html


def test_what_an_unconfirmed_file_says_is_not_shown(site) -> None:
    for file in ("tampered", "untrusted"):
        html = page(site["client"], site["files"][file], "en")
        root = lxml.html.fromstring(html)
        assert not root.xpath('//dl[@id="summary"]') and not root.xpath('//dl[@id="signed"]')
        assert root.xpath('//p[@id="not-shown"]')
        assert "Somying" not in root.text_content().replace(root.xpath("//details")[0].text_content(), "")


def test_times_dates_and_names_as_a_thai_reader_reads_them(site) -> None:
    html = page(site["client"], site["files"]["genuine"], "th")
    root = lxml.html.fromstring(html)
    signed = root.xpath('//dl[@id="signed"]')[0].text_content()
    assert re.search(
        r"\d{1,2} [\u0e00-\u0e7f]+ 25\d\d เวลา \d\d:\d\d น\.", signed
    )  # Buddhist era, Thai month
    assert "+00:00" not in signed and "T" not in re.sub(r"[^\x00-\x7f]", "", signed).replace("TEST", "")
    summary = root.xpath('//dl[@id="summary"]')[0].text_content()
    assert "นางสาวสมหญิง ใจดีมาก" in summary  # the title joins the name, as on paper
    assert "2567" in summary or "2566" in summary or "2568" in summary  # graduation in the Buddhist era
    assert "\\," not in signed and "Registrar, Siam Example University" in signed  # names as written
    english = page(site["client"], site["files"]["genuine"], "en")
    assert "(Thailand time, UTC+7)" in english


def test_a_semester_where_no_credit_counts_shows_a_dash_not_zero(site) -> None:
    """bachelor-honours' summer session has only an S grade: its GPA is 0.00 in the XML (the
    schema wants a value) and a dash on the page, as on paper; the GPAX goes on."""
    assert b"<tc:SemesterGPA>0.00<" in site["files"]["genuine"]
    for language in ("th", "en"):
        text = lxml.html.fromstring(page(site["client"], site["files"]["genuine"], language)).text_content()
        assert "GPA \u2013 · GPAX 3.77" in text and "GPA 0.00" not in text


def test_the_page_says_whom_it_trusts_and_warns_of_test_roots(site) -> None:
    for language, words in (("th", "เชื่อถือใบรับรองสำหรับทดสอบ"), ("en", "trusts TEST ONLY certificates")):
        html = site["client"].get(f"/?lang={language}").text
        root = lxml.html.fromstring(html)
        assert words in root.xpath('//p[@id="test-only"]')[0].text_content()
        assert (
            "Transcript Demo Root CA (TEST ONLY)" in root.xpath('//footer[@id="trusted"]')[0].text_content()
        )


def test_every_reason_and_check_has_words_in_both_languages() -> None:
    assert set(_REASONS) == set(SubIndication)
    for (th, en), (th_next, en_next) in _REASONS.values():
        assert re.search("[\u0e00-\u0e7f]", th + th_next) and not visible_english(f"<p>{th} {th_next}</p>")
        assert en and en_next and not re.search("[\u0e00-\u0e7f]", en + en_next)
    for name in _TITLES:
        assert check_title(name, "th") != check_title(name, "en")
        assert check_title(f"xml-{name}", "th").startswith("ข้อมูล XML")


def test_a_pdf_without_revocation_data_names_the_cause(site, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("words-pdf")
    demo = create_demo_pki(folder / "pki")
    identity = load_identity(demo.registrar_p12, password=password_from(password_file=demo.password_file))
    trust = TrustSettings.from_files([demo.root], demo.crls)
    signed = XmlSigner(identity).sign((EXAMPLES / "bachelor-honours.xml").read_bytes())
    pdf = build_package(signed, "en", trust=trust, signer=PdfSigner(identity), file_name="t.xml")
    report = verify(pdf, TrustSettings(roots=trust.roots))
    assert report.verdict is Verdict.INDETERMINATE and report.sub_indication is SubIndication.TRY_LATER
    assert "no revocation data" in report.reason and "CERTIFICATE_CHAIN_GENERAL_FAILURE" not in report.reason


def test_the_api_gives_the_plain_words_too(site) -> None:
    body = site["client"].post("/api/verify", files={"file": ("t.xml", site["files"]["tampered"])}).json()
    assert body["sub_indication"] == "HASH_FAILURE"
    assert body["explanation"]["th"]["reason"] == "เนื้อหาถูกแก้ไขหลังการลงนาม"
    assert body["explanation"]["en"]["next_step"].startswith("Ask the graduate for the original file")
