"""Resumes and job descriptions from PDF, Word, JSON Resume, Markdown and text files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aspire import InputError
from aspire.documents import (
    json_resume_to_document,
    propose_skills,
    read_job_description,
    read_resume,
)
from aspire.rules import employer_names

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PDF_RESUME = EXAMPLES / "resumes" / "ml_engineer_harvey_dent.pdf"
JSON_RESUME = EXAMPLES / "resumes" / "data_analyst_daniel_reyes.json"
JSON_JOB = EXAMPLES / "jobs" / "web_developer.json"
MARKDOWN_RESUME = EXAMPLES / "resumes" / "retail_store_manager.md"
TEXT_RESUME = EXAMPLES / "resumes" / "hospitality_bartender.txt"


def make_pdf(path: Path, lines: list[str] | None, *, password: str | None = None, user_password: str = "") -> Path:
    """A one-page PDF with ``lines`` as its text layer (or a blank page: a scan has no text)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    if lines:
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
        )
        text = " ".join(f"({line}) Tj 0 -16 Td" for line in lines)
        content = DecodedStreamObject()
        content.set_data(f"BT /F1 11 Tf 72 740 Td {text} ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(content)
    if password is not None:
        writer.encrypt(user_password=user_password, owner_password=password, algorithm="RC4-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Morgan Lee · morgan@example.com"
    document.add_heading("Experience", level=1)
    document.add_paragraph("Shift Supervisor, Blue Bottle Cafe, 2019 - 2023")
    document.add_paragraph("Trained six new baristas", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Skills"
    table.rows[0].cells[1].text = "Latte art, inventory"
    document.add_heading("Skills", level=1)
    document.add_paragraph("Espresso, Scheduling, Food safety")
    document.save(str(path))
    return path


# --- PDF


def test_pdf_from_the_corpus_gives_its_text_layer():
    document = read_resume(PDF_RESUME)
    assert document.format == "pdf"
    assert "Harvey Dent" in document.text and "TensorFlow" in document.text
    assert "\x00" not in document.text and "\n\n\n" not in document.text


def test_generated_pdf_is_read_in_order(tmp_path):
    path = make_pdf(tmp_path / "cv.pdf", ["Dana Cruz", "Line Cook, Harbor Grill, 2020 - 2024", "Skills: Grill, Prep"])
    text = read_resume(path).text
    assert text.index("Dana Cruz") < text.index("Harbor Grill") < text.index("Skills")


def test_scanned_pdf_without_text_layer_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match=r"no text layer .*OCR"):
        read_resume(make_pdf(tmp_path / "scan.pdf", None))


def test_password_protected_pdf_is_a_clear_error(tmp_path):
    path = make_pdf(tmp_path / "locked.pdf", ["Secret resume"], password="owner", user_password="open-sesame")
    with pytest.raises(InputError, match="password-protected"):
        read_resume(path)


def test_pdf_encrypted_only_for_permissions_opens(tmp_path):
    # An empty user password: any viewer opens it, so aspire does too.
    path = make_pdf(tmp_path / "perm.pdf", ["Open resume text"], password="owner", user_password="")
    assert "Open resume text" in read_resume(path).text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text, not a pdf", "not a PDF"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage", "could not be read as a PDF"),
    ],
)
def test_broken_pdf_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_resume(path)


def test_truncated_pdf_is_a_clear_error(tmp_path):
    whole = PDF_RESUME.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(InputError, match="PDF"):
        read_resume(path)


# --- Word


def test_docx_gives_header_headings_lists_and_tables_in_order(tmp_path):
    document = read_resume(make_docx(tmp_path / "cv.docx"))
    text = document.text
    assert document.format == "docx"
    assert text.index("Morgan Lee") < text.index("## Experience") < text.index("- Trained six new baristas")
    assert "Skills | Latte art, inventory" in text
    assert propose_skills(text)[:3] == ["Espresso", "Scheduling", "Food safety"]


def test_corrupt_docx_is_a_clear_error(tmp_path):
    path = tmp_path / "cv.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(InputError, match="could not be read as a Word document"):
        read_resume(path)


def test_docx_without_a_document_part_is_a_clear_error(tmp_path):
    import zipfile

    path = tmp_path / "cv.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a word file")
    with pytest.raises(InputError, match="Word document"):
        read_resume(path)


def test_password_protected_docx_is_a_clear_error(tmp_path):
    path = tmp_path / "locked.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)  # Office encryption wraps it in OLE
    with pytest.raises(InputError, match="password-protected"):
        read_resume(path)


@pytest.mark.parametrize("suffix", [".doc", ".odt", ".rtf"])
def test_other_document_formats_say_what_to_save_as(tmp_path, suffix):
    path = tmp_path / f"cv{suffix}"
    path.write_bytes(b"whatever")
    with pytest.raises(InputError, match=r"save it as \.docx, \.pdf or \.txt"):
        read_resume(path)


# --- JSON Resume


def test_json_resume_gives_name_work_education_and_keyword_skills():
    document = read_resume(JSON_RESUME)
    data = json.loads(JSON_RESUME.read_text())
    assert document.format == "json-resume"
    assert document.name == data["basics"]["name"]
    keywords = [k for group in data["skills"] for k in group["keywords"]]
    assert list(document.skills) == list(dict.fromkeys(keywords))
    for job in data["work"]:
        assert job["name"] in document.text and job["position"] in document.text
    for school in data["education"]:
        assert school["institution"] in document.text


def test_json_resume_puts_dates_on_the_employer_line_so_past_employers_are_known():
    document = read_resume(JSON_RESUME)
    data = json.loads(JSON_RESUME.read_text())
    past = employer_names(document.text, "Target")
    assert any(data["work"][0]["name"].split()[0].lower() in name.lower() for name in past), past


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).resolve().parents[2] / "shared/corpus/jsonresume").glob("*.json"))
)
def test_every_corpus_json_resume_reads(path):
    document = read_resume(path)
    assert document.text and document.name


def test_json_resume_of_schema_before_1_0_names_the_company_field():
    document = json_resume_to_document(
        {"basics": {"name": "A"}, "work": [{"company": "Initech", "position": "Dev", "startDate": "2019-01"}]}
    )
    assert "Dev, Initech, 2019-01 to present" in document.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", r"not valid JSON \(line 1"),
        ("[1, 2]", "expected a JSON object"),
        ('{"hello": "world"}', "not a JSON Resume"),
        ('{"basics": {}, "work": []}', "no basics, work, education or skills"),
    ],
)
def test_bad_json_resume_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "resume.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        read_resume(path)


def test_json_job_file_gives_company_role_and_text():
    job = read_job_description(JSON_JOB)
    assert (job.company, job.role) == ("Microsoft", "Web Developer")
    assert "## Responsibilities" in job.text and "- Develop and maintain web applications" in job.text
    assert "JavaScript" in job.skills


# --- text, Markdown, limits


def test_text_and_markdown_pass_through_unchanged():
    assert read_resume(MARKDOWN_RESUME).text == MARKDOWN_RESUME.read_text(encoding="utf-8")
    assert read_resume(MARKDOWN_RESUME).format == "markdown"
    assert read_resume(TEXT_RESUME).format == "text"


def test_unknown_suffix_lists_what_is_read(tmp_path):
    path = tmp_path / "cv.xlsx"
    path.write_bytes(b"x")
    with pytest.raises(InputError, match=r"\.txt, \.md, \.pdf, \.docx and JSON Resume"):
        read_resume(path)


def test_size_limit_applies_to_every_format(tmp_path, monkeypatch):
    import aspire.inputs

    monkeypatch.setattr(aspire.inputs, "MAX_INPUT_BYTES", 100)
    with pytest.raises(InputError, match="limit is 100 bytes"):
        read_resume(PDF_RESUME)


# --- skills proposed from a resume


@pytest.mark.parametrize(
    ("resume", "expected"),
    [
        ("Jo\nSkills: SQL, Excel; Tableau\nExperience\nAnalyst", ["SQL", "Excel", "Tableau"]),
        (
            "## Technical Skills\n- Python (pandas, numpy)\n- Proficient in Go\n\n## Education\nBSc",
            ["Python (pandas, numpy)", "Go"],
        ),
        (
            "Core Competencies\nPOS handling\nStock rotation & bar prep\n\nWork History\nBar Lead",
            ["POS handling", "Stock rotation & bar prep"],
        ),
        ("SKILLS\nCoaching | Scheduling etc.\nEDUCATION\nHigh school", ["Coaching", "Scheduling"]),
        ("Worked at a shop for ten years. Good at selling.", []),
    ],
)
def test_propose_skills_takes_only_what_the_resume_lists(resume, expected):
    assert propose_skills(resume) == expected


def test_propose_skills_is_bounded():
    resume = "Skills: " + ", ".join(f"Tool{n}" for n in range(40))
    assert len(propose_skills(resume)) == 12
