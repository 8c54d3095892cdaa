"""The national package: PDF/A-3 structure, independent tools, PAdES levels, and attacks."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

import transcript
from transcript.demo.pki import create_demo_pki
from transcript.demo.tsa import LocalTimeStampAuthority
from transcript.package import build_package
from transcript.pdfa.container import ED_NS, package_pdf, xmp_value
from transcript.pdfa.icc import srgb_profile
from transcript.pki.keys import load_identity, password_from
from transcript.pki.trust import TrustSettings
from transcript.pki.tsa import TimeStampClient
from transcript.render import render_pdf
from transcript.sign.pades import PadesError, PdfSigner
from transcript.sign.xades import XmlSigner
from transcript.verify import Status, Verdict
from transcript.verify.pdf import verify_pdfs

from .helpers import EXAMPLES, require_tool
from .pkihelp import AttackPki

SCRIPT = Path(sys.executable).parent / "transcript"


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("package")
    demo = create_demo_pki(folder / "pki")
    identity = load_identity(demo.registrar_p12, password=password_from(password_file=demo.password_file))
    trust = TrustSettings.from_files([demo.root], demo.crls)
    signer = XmlSigner(identity)
    signed = {p.stem: signer.sign(p.read_bytes()) for p in sorted(EXAMPLES.glob("*.xml"))}
    package = build_package(
        signed["bachelor-honours"],
        "th",
        trust=trust,
        signer=PdfSigner(identity),
        file_name="bachelor-honours.xml",
    )
    with LocalTimeStampAuthority(demo.tsa_certificate, demo.tsa_key) as authority:
        long_term = build_package(
            signed["bachelor-honours"],
            "en",
            trust=trust,
            signer=PdfSigner(identity, "B-LT", TimeStampClient(authority.url), trust),
            file_name="bachelor-honours.xml",
        )
    return {
        "folder": folder,
        "demo": demo,
        "identity": identity,
        "trust": trust,
        "signed": signed,
        "package": package,
        "long_term": long_term,
    }


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# --------------------------------------------------------- independent tools


def test_pdfsig_reports_a_valid_signature_over_the_whole_document(setup) -> None:
    pdfsig = require_tool("pdfsig")
    path = write(setup["folder"], "bb.pdf", setup["package"])
    out = subprocess.run([pdfsig, str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in out and "Total document signed" in out
    assert "Registrar, Siam Example University (TEST ONLY)" in out


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_rsa_and_ecdsa_keys_sign_pdfs_that_pdfsig_and_the_verifier_accept(
    kind: str, setup, tmp_path: Path
) -> None:
    pdfsig = require_tool("pdfsig")
    pki = AttackPki.create(tmp_path / "pki")
    identity = pki.identity(kind)
    signed = XmlSigner(identity).sign((EXAMPLES / "bachelor-honours.xml").read_bytes())
    trust = pki.trust()
    signer = PdfSigner(identity)
    packages = [build_package(signed, "en", trust=trust, signer=signer, file_name="t.xml") for _ in range(2)]
    for number, package in enumerate(packages):
        path = write(tmp_path, f"{kind}-{number}.pdf", package)
        out = subprocess.run([pdfsig, str(path)], capture_output=True, text=True).stdout
        assert "Signature is Valid." in out and "Total document signed" in out
        expected = "ECDSA" if kind == "ec" else "RSA"
        assert expected in out.upper()
        assert transcript.verify(package, trust).verdict is Verdict.TOTAL_PASSED


def test_pdfdetach_gives_the_signed_xml_and_xmlsec1_accepts_it(setup) -> None:
    pdfdetach, xmlsec1 = require_tool("pdfdetach"), require_tool("xmlsec1")
    folder = setup["folder"]
    path = write(folder, "detach.pdf", setup["package"])
    target = folder / "detached.xml"
    subprocess.run([pdfdetach, "-save", "1", "-o", str(target), str(path)], check=True, capture_output=True)
    assert target.read_bytes() == setup["signed"]["bachelor-honours"]
    demo = setup["demo"]
    run = subprocess.run(
        [xmlsec1, "--verify", "--trusted-pem", str(demo.root), "--untrusted-pem", str(demo.issuing_ca),
         "--id-attr:Id", "SignedProperties", "--id-attr:Id", "KeyInfo", str(target)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("name", ["package", "long_term"])
def test_qpdf_finds_no_errors_and_fonts_are_embedded(setup, name: str) -> None:
    qpdf, pdffonts = require_tool("qpdf"), require_tool("pdffonts")
    path = write(setup["folder"], f"{name}.pdf", setup[name])
    check = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout
    fonts = subprocess.run([pdffonts, str(path)], capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all(" yes yes yes " in line for line in fonts)


def test_verifications_in_parallel_threads_agree(setup) -> None:
    """Trust material is parsed once and shared: threads verifying at once must not mind."""
    from concurrent.futures import ThreadPoolExecutor

    from transcript.pki.trust import asn1_certificate, asn1_crl

    asn1_certificate.cache_clear()
    asn1_crl.cache_clear()
    files = [setup["package"], setup["signed"]["bachelor-honours"], setup["signed"]["transfer-su"]] * 6
    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = list(pool.map(lambda data: transcript.verify(data, setup["trust"]), files))
    assert all(r.verdict is Verdict.TOTAL_PASSED for r in reports)
    assert len({tuple(c.name for c in r.checks) for r in reports}) == 2  # PDF checks, XML checks


# ------------------------------------------------------------ PDF/A-3 structure


def test_pdfa3_structure(setup) -> None:
    data = setup["package"]
    document_id = transcript.load(setup["signed"]["bachelor-honours"]).transcript_context.transcript_id
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert not pdf.is_encrypted
        root = pdf.Root
        xmp = root.Metadata.read_bytes().decode("utf-8")
        assert "pdfaid" in xmp and ED_NS in xmp and "pdfaSchema:prefix" in xmp
        assert f'xmlns:ed="{ED_NS}"' in xmp and "ed:DocumentReferenceID" in xmp  # the declared prefix
        assert root.Metadata.Subtype == "/XML"
        with pdf.open_metadata() as meta:
            assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "U"
        intent = root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1"
        profile = intent.DestOutputProfile
        assert int(profile.N) == 3 and profile.read_bytes() == srgb_profile()
        assert profile.read_bytes()[36:40] == b"acsp" and profile.read_bytes()[8] == 2
        (spec,) = list(root.AF)
        assert spec.AFRelationship == "/Alternative" and str(spec.UF) == "bachelor-honours.xml"
        stream = spec.EF.F
        assert stream.Subtype == "/text/xml"
        params = stream.Params
        assert int(params.Size) == len(setup["signed"]["bachelor-honours"])
        assert "/CreationDate" in params and "/ModDate" in params
        names = root.get("/Names", {})
        assert "/JavaScript" not in names and "/OpenAction" not in root
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descriptor = font.get("/FontDescriptor")
                assert descriptor is not None and "/FontFile2" in descriptor, font.BaseFont
    assert b"/JavaScript" not in data and b"/JS " not in data
    assert xmp_value(data, "DocumentReferenceID") == document_id
    assert xmp_value(data, "DocumentOID") == transcript.TRANSCRIPT_OID


# ------------------------------------------------------------------ verifying


def test_package_verifies(setup) -> None:
    report = transcript.verify(setup["package"], setup["trust"])
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    names = [c.name for c in report.checks]
    assert names[:4] == ["pdf-input", "pdf-revisions", "pdf-signature", "pdf-coverage"]
    assert "xml-signature" in names and names[-3:] == ["binding", "pdf-signer", "pages"]
    assert all(c.status is Status.PASSED for c in report.checks if c.name != "xml-timestamp")
    assert report.summary.student_number == "6310500123"


def test_long_term_package_verifies_offline_from_its_own_data(setup) -> None:
    demo = setup["demo"]
    offline = TrustSettings.from_files([demo.root])  # revocation required, no CRL, no network
    report = transcript.verify(setup["long_term"], offline)
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    assert "validation data in the file" in report.check("pdf-signature").detail
    assert report.check("pdf-timestamp").status is Status.PASSED
    # The same file checked against CRLs nowhere (B-B has no store): revocation unavailable.
    assert transcript.verify(setup["package"], offline).verdict is Verdict.INDETERMINATE


def test_files_verified_together_get_the_reports_they_get_alone(setup) -> None:
    """One validation context for a batch: a bad file in it fails, the good ones pass,
    and a file with its own validation data is checked from that data."""
    good, long_term = setup["package"], setup["long_term"]
    changed = _flip(good, int(len(good) * 0.4))
    batch = verify_pdfs([good, changed, long_term, good], setup["trust"])
    alone = [transcript.verify(data, setup["trust"]) for data in (good, changed, long_term, good)]
    assert [r.verdict for r in batch] == [r.verdict for r in alone]
    assert [batch[i].verdict for i in (0, 2, 3)] == [Verdict.TOTAL_PASSED] * 3
    assert batch[1].verdict is not Verdict.TOTAL_PASSED
    assert [c.status for c in batch[0].checks] == [c.status for c in alone[0].checks]
    assert "validation data in the file" in batch[2].check("pdf-signature").detail


def test_a_batch_validates_a_signers_path_once_and_never_remembers_a_failure(
    setup, tmp_path: Path, monkeypatch, speedups
) -> None:
    """The editions of a transcript share one signer: its path is validated for the first
    file and given again for the others; a path that fails is validated again each time."""
    from transcript._speedups import pyhanko as fast_pyhanko

    library = fast_pyhanko._library_find_valid_path
    validated: list[str] = []

    async def counted(certificate, *args, **kwargs):  # type: ignore[no-untyped-def]
        validated.append(certificate.subject.human_friendly)
        return await library(certificate, *args, **kwargs)

    monkeypatch.setattr(fast_pyhanko, "_library_find_valid_path", counted)
    good = setup["package"]
    assert [r.verdict for r in verify_pdfs([good, good, good], setup["trust"])] == [Verdict.TOTAL_PASSED] * 3
    assert len(validated) == 1
    validated.clear()
    assert transcript.verify(good, setup["trust"]).verdict is Verdict.TOTAL_PASSED  # alone: no sharing
    assert len(validated) == 1
    validated.clear()
    stranger = AttackPki.create(tmp_path / "stranger").trust()  # another root: no path to it
    reports = verify_pdfs([good, good], stranger)
    assert [r.verdict for r in reports] == [Verdict.INDETERMINATE] * 2
    assert len(validated) == 2


def _flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x20]) + data[offset + 1 :]


@pytest.mark.parametrize("where", [0.15, 0.4, 0.6, 0.9])
def test_a_changed_byte_is_detected(setup, where: float) -> None:
    data = setup["package"]
    changed = _flip(data, int(len(data) * where))
    assert transcript.verify(changed, setup["trust"]).verdict is not Verdict.TOTAL_PASSED


def _incremental(data: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_incremental_update_of_page_content_is_detected(setup) -> None:
    def deface(writer: IncrementalPdfFileWriter) -> None:
        page = writer.root["/Pages"]["/Kids"][0].get_object()
        forged = writer.add_object(generic.StreamObject(stream_data=b"0 0 1 rg 100 100 200 50 re f"))
        page["/Contents"] = generic.ArrayObject([page.raw_get("/Contents"), forged])
        writer.update_container(page)

    report = transcript.verify(_incremental(setup["package"], deface), setup["trust"])
    assert report.verdict is Verdict.TOTAL_FAILED
    assert report.check("pdf-coverage").status is Status.FAILED


def _swap_xml(writer: IncrementalPdfFileWriter, xml: bytes) -> None:
    spec = writer.root["/AF"][0].get_object()
    ef = spec["/EF"]
    stream = generic.StreamObject(
        {generic.NameObject("/Subtype"): generic.NameObject("/text/xml")}, stream_data=xml
    )
    ef["/F"] = writer.add_object(stream)
    writer.update_container(spec)


def test_swapped_embedded_xml_is_detected(setup) -> None:
    """Another student's genuinely signed transcript put in the place of the embedded XML."""
    other = setup["signed"]["master-thesis"]
    swapped = _incremental(setup["package"], lambda w: _swap_xml(w, other))
    report = transcript.verify(swapped, setup["trust"])
    assert report.verdict is Verdict.TOTAL_FAILED
    assert report.check("pdf-coverage").status is Status.FAILED
    # Nothing is read from the unsigned revision: neither XML is reported.
    assert report.signed_xml is None and report.summary is None


def test_repackaged_with_another_students_xml_fails_the_binding(setup) -> None:
    """Even signed anew, a PDF whose XMP names one document and carries another is refused."""
    identity, trust = setup["identity"], setup["trust"]
    signed = setup["signed"]
    pdf = render_pdf(signed["bachelor-honours"], "th", trust=trust)
    packaged = package_pdf(signed["bachelor-honours"], pdf, file_name="x.xml")
    tampered = _incremental(packaged, lambda w: _swap_xml(w, signed["transfer-su"]))
    resigned = PdfSigner(identity).sign(tampered)
    report = transcript.verify(resigned, trust)
    assert report.verdict is Verdict.TOTAL_FAILED and report.check("binding").status is Status.FAILED


def test_unsigned_package_is_refused(setup) -> None:
    signed, trust = setup["signed"], setup["trust"]
    pdf = package_pdf(
        signed["transfer-su"], render_pdf(signed["transfer-su"], "en", trust=trust), file_name="t.xml"
    )
    report = transcript.verify(pdf, trust)
    assert report.verdict is Verdict.TOTAL_FAILED and "not signed" in report.check("pdf-signature").detail


def test_levels_need_what_they_need(setup) -> None:
    with pytest.raises(PadesError, match="time-stamp"):
        PdfSigner(setup["identity"], "B-T")
    with pytest.raises(PadesError, match="trust"):
        PdfSigner(setup["identity"], "B-LT", TimeStampClient("http://127.0.0.1:9/"))
    with pytest.raises(PadesError, match="level"):
        PdfSigner(setup["identity"], "B-X")


def test_cli_package_and_verify(setup, tmp_path: Path) -> None:
    demo = setup["demo"]
    xml = write(tmp_path, "bachelor-honours.xml", setup["signed"]["bachelor-honours"])
    common = ["--trust", str(demo.root), "--crl", str(demo.crls[0]), "--crl", str(demo.crls[1])]
    run = subprocess.run(
        [str(SCRIPT), "package", str(xml), "--key", str(demo.registrar_p12), "--password-file",
         str(demo.password_file), "--out", str(tmp_path / "out"), "--lang", "th,en", *common,
         "--pades", "B-B", "--no-timestamp"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "bachelor-honours.en.pdf",
        "bachelor-honours.th.pdf",
    ]
    verified = subprocess.run(
        [str(SCRIPT), "verify", *map(str, (tmp_path / "out").iterdir()), "--brief", *common],
        capture_output=True, text=True,
    )  # fmt: skip
    assert verified.returncode == 0 and verified.stdout.count("TOTAL-PASSED") == 2
    assert "Traceback" not in verified.stderr
    missing_tsa = subprocess.run(
        [str(SCRIPT), "package", str(xml), "--key", str(demo.registrar_p12), "--password-file",
         str(demo.password_file), "--out", str(tmp_path / "o2"), "--pades", "B-T", *common],
        capture_output=True, text=True,
    )  # fmt: skip
    assert missing_tsa.returncode == 2 and "time-stamp authority" in missing_tsa.stderr
    national = subprocess.run(
        [str(SCRIPT), "package", str(xml), "--key", str(demo.registrar_p12), "--password-file",
         str(demo.password_file), "--out", str(tmp_path / "o3"), *common],
        capture_output=True, text=True,
    )  # fmt: skip
    assert national.returncode == 2 and "national profile" in national.stderr
    assert not (tmp_path / "o3").exists()


@pytest.mark.parametrize("level", ["B-T", "B-LTA"])
def test_other_levels_verify(setup, level: str) -> None:
    demo, identity, trust = setup["demo"], setup["identity"], setup["trust"]
    with LocalTimeStampAuthority(demo.tsa_certificate, demo.tsa_key) as authority:
        data = build_package(
            setup["signed"]["master-thesis"],
            "en",
            trust=trust,
            signer=PdfSigner(identity, level, TimeStampClient(authority.url), trust),
            file_name="master-thesis.xml",
        )
    settings = trust if level == "B-T" else TrustSettings.from_files([demo.root])  # B-LTA: offline
    report = transcript.verify(data, settings)
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    assert report.check("pdf-timestamp").status is Status.PASSED
