"""Build aspire's occupational knowledge file from the O*NET database's release files.

    python -m aspire.knowledge.build --onet DIR [--onet DIR ...] [--out FILE]

Each ``--onet`` folder holds files of one O*NET release as the O*NET Resource Center
publishes them: the tab-delimited text release (``Occupation Data.txt`` …) or the
Excel one (``Skills.xlsx`` …, read with openpyxl, which only this script needs:
``pip install openpyxl``). A file found in several folders is taken from the first
that has it, so the newest release goes first. Every release's ``Read Me.txt`` gives
its version; the built file records, per table, the release and the SHA-256 of the
source file it came from, and the licence (CC BY 4.0) with the attribution the
O*NET Resource Center asks for.

The output is one SQLite file of a few MB that aspire reads at run time, read-only:
nothing is downloaded when aspire runs. Building again from the same files gives
the same rows (the file is written afresh, and rows are inserted in source order).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sqlite3
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .matching import head, terms

DEFAULT_OUT = Path(__file__).with_name("onet.sqlite")

# The release files aspire uses. Each is looked for as .txt (tab-delimited) or .xlsx.
NEEDED = (
    "Occupation Data",
    "Alternate Titles",
    "Sample of Reported Titles",
    "Job Zones",
    "Related Occupations",
    "Task Statements",
    "Tasks to DWAs",
    "DWA Reference",
    "Technology Skills",
    "Skills",
    "Knowledge",
)

LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); see https://www.onetcenter.org/license_db.html"
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE source (tbl TEXT PRIMARY KEY, file TEXT NOT NULL, release TEXT NOT NULL, sha256 TEXT NOT NULL);
CREATE TABLE occupation (
    id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, title TEXT NOT NULL, description TEXT NOT NULL, job_zone INTEGER
);
-- Rows of the tables below are keyed by (occupation id, their order in the source file), without
-- rowids, so that one occupation's rows lie together and no separate index is needed.
-- kind: title (the occupation's own), alternate, short (an alternate's short form), reported (by workers
-- surveyed), common (reported, and among the few O*NET's My Next Move shows as the job's usual titles)
-- terms and head: the title's words as aspire.knowledge.matching compares them, worked out here
-- once so that a new process does not lemmatise 69,000 titles.
CREATE TABLE title (
    occ INTEGER, seq INTEGER, title TEXT NOT NULL, kind TEXT NOT NULL, terms TEXT NOT NULL, head TEXT NOT NULL,
    PRIMARY KEY (occ, seq)
) WITHOUT ROWID;
CREATE TABLE related (occ INTEGER, seq INTEGER, related INTEGER NOT NULL, tier TEXT NOT NULL, PRIMARY KEY (occ, seq))
    WITHOUT ROWID;
CREATE TABLE task (occ INTEGER, seq INTEGER, task TEXT NOT NULL, core INTEGER NOT NULL, PRIMARY KEY (occ, seq))
    WITHOUT ROWID;
-- detailed work activities: each occupation's, most of its tasks first, with how many tasks it covers
CREATE TABLE dwa (id INTEGER PRIMARY KEY, title TEXT NOT NULL);
CREATE TABLE activity (occ INTEGER, seq INTEGER, dwa INTEGER NOT NULL, tasks INTEGER NOT NULL, PRIMARY KEY (occ, seq))
    WITHOUT ROWID;
CREATE TABLE commodity (id INTEGER PRIMARY KEY, title TEXT NOT NULL);
CREATE TABLE technology (
    occ INTEGER, seq INTEGER, example TEXT NOT NULL, commodity INTEGER NOT NULL, hot INTEGER NOT NULL,
    in_demand INTEGER NOT NULL, PRIMARY KEY (occ, seq)
) WITHOUT ROWID;
-- kind: skill or knowledge; importance (1-5) and level (0-7) as O*NET rates them, times 100
CREATE TABLE element_name (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE element (occ INTEGER, element INTEGER, importance INTEGER, level INTEGER, PRIMARY KEY (occ, element))
    WITHOUT ROWID;
"""


class BuildError(Exception):
    pass


@dataclass(frozen=True)
class SourceFile:
    path: Path
    release: str

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    def rows(self) -> Iterator[dict[str, str]]:
        """The file's rows as header → value, text values stripped; empty cells are ''."""
        if self.path.suffix.lower() == ".xlsx":
            yield from _xlsx_rows(self.path)
            return
        with self.path.open(encoding="utf-8", newline="") as handle:
            header = handle.readline().rstrip("\r\n").split("\t")
            for line in handle:
                values = line.rstrip("\r\n").split("\t")
                if len(values) == len(header):
                    yield dict(zip(header, (v.strip() for v in values), strict=True))


def _xlsx_rows(path: Path) -> Iterator[dict[str, str]]:
    try:
        import openpyxl  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - depends on the builder's machine
        raise BuildError(f"{path.name} is an Excel file: pip install openpyxl to read it") from exc
    book = openpyxl.load_workbook(path, read_only=True)
    rows = book.active.iter_rows(values_only=True)
    header = [str(h) for h in next(rows)]
    for values in rows:
        yield {h: "" if v is None else str(v).strip() for h, v in zip(header, values, strict=False)}


def release_of(folder: Path) -> str:
    readme = folder / "Read Me.txt"
    if not readme.is_file():
        raise BuildError(f"{folder} has no 'Read Me.txt' naming its O*NET release")
    found = re.search(r"O\*NET\s+(\d+\.\d+)\s+Database", readme.read_text(encoding="utf-8", errors="replace"))
    if not found:
        raise BuildError(f"{readme} does not name an O*NET release ('O*NET 30.1 Database')")
    return found.group(1)


def find_sources(folders: Sequence[Path]) -> dict[str, SourceFile]:
    sources: dict[str, SourceFile] = {}
    for folder in folders:
        release = release_of(folder)
        for name in NEEDED:
            if name in sources:
                continue
            for suffix in (".txt", ".xlsx"):
                path = folder / f"{name}{suffix}"
                if path.is_file():
                    sources[name] = SourceFile(path, release)
                    break
    missing = [n for n in NEEDED if n not in sources]
    if missing:
        raise BuildError("no release folder holds: " + ", ".join(missing))
    return sources


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def _flag(value: str) -> int:
    return 1 if value.upper() == "Y" else 0


def build(folders: Sequence[Path], out: Path) -> dict[str, int]:
    sources = find_sources(folders)
    releases = sorted({s.release for s in sources.values()}, key=lambda r: tuple(int(p) for p in r.split(".")))
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.executescript(SCHEMA)
    counts: Counter[str] = Counter()

    def insert(table: str, rows: Sequence[tuple[object, ...]]) -> None:
        if rows:
            marks = ",".join("?" * len(rows[0]))
            db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
            counts[table] += len(rows)

    zones = {r["O*NET-SOC Code"]: int(r["Job Zone"]) for r in sources["Job Zones"].rows()}
    occupations = [
        (number, r["O*NET-SOC Code"], r["Title"], r["Description"], zones.get(r["O*NET-SOC Code"]))
        for number, r in enumerate(sources["Occupation Data"].rows(), start=1)
    ]
    insert("occupation", occupations)
    occ = {o[1]: o[0] for o in occupations}

    def per_occupation(rows: Iterator[tuple[str, tuple[object, ...]]]) -> list[tuple[object, ...]]:
        """(occupation id, order within it, *values), for rows of known occupations."""
        seen: Counter[int] = Counter()
        kept = []
        for code, values in rows:
            if code in occ:
                seen[occ[code]] += 1
                kept.append((occ[code], seen[occ[code]], *values))
        return kept

    def titles() -> Iterator[tuple[str, tuple[str, str]]]:
        for _, code, title, _, _ in occupations:
            yield code, (title, "title")
        for r in sources["Alternate Titles"].rows():
            yield r["O*NET-SOC Code"], (r["Alternate Title"], "alternate")
            short = r.get("Short Title", "")
            if short and short.lower() != "n/a":
                yield r["O*NET-SOC Code"], (short, "short")
        for r in sources["Sample of Reported Titles"].rows():
            kind = "common" if _flag(r.get("Shown in My Next Move", "")) else "reported"
            yield r["O*NET-SOC Code"], (r["Reported Job Title"], kind)

    def with_terms(title: str, kind: str) -> tuple[str, str, str, str]:
        said = terms(title)
        return (title, kind, " ".join(said), head(said, title))

    insert("title", per_occupation((c, with_terms(*v)) for c, v in titles() if str(v[0]).strip()))
    insert(
        "related",
        per_occupation(
            (r["O*NET-SOC Code"], (occ[r["Related O*NET-SOC Code"]], r["Relatedness Tier"]))
            for r in sources["Related Occupations"].rows()
            if r["Related O*NET-SOC Code"] in occ
        ),
    )
    insert(
        "task",
        per_occupation(
            (r["O*NET-SOC Code"], (r["Task"], 1 if r["Task Type"] == "Core" else 0))
            for r in sources["Task Statements"].rows()
        ),
    )

    dwa_ids = {r["DWA ID"]: (n, r["DWA Title"].rstrip(".")) for n, r in enumerate(sources["DWA Reference"].rows(), 1)}
    insert("dwa", sorted(dwa_ids.values()))
    covered: dict[str, Counter[int]] = defaultdict(Counter)
    for r in sources["Tasks to DWAs"].rows():
        if r["DWA ID"] in dwa_ids:
            covered[r["O*NET-SOC Code"]][dwa_ids[r["DWA ID"]][0]] += 1
    insert(
        "activity",
        per_occupation(
            (code, (dwa, n))
            for code, dwas in covered.items()
            for dwa, n in sorted(dwas.items(), key=lambda item: (-item[1], item[0]))
        ),
    )
    commodities: dict[str, int] = {}
    technology = []
    for r in sources["Technology Skills"].rows():
        commodity = commodities.setdefault(r["Commodity Title"], len(commodities) + 1)
        technology.append(
            (r["O*NET-SOC Code"], (r["Example"], commodity, _flag(r["Hot Technology"]), _flag(r["In Demand"])))
        )
    insert("commodity", [(n, t) for t, n in commodities.items()])
    insert("technology", per_occupation(iter(technology)))

    elements: dict[tuple[str, str], int] = {}
    rated: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for kind, name in (("skill", "Skills"), ("knowledge", "Knowledge")):
        for r in sources[name].rows():
            if r.get("Recommend Suppress", "N") == "Y" or r["O*NET-SOC Code"] not in occ:
                continue
            element = elements.setdefault((kind, r["Element Name"]), len(elements) + 1)
            rated[(occ[r["O*NET-SOC Code"]], element)][r["Scale ID"]] = round(float(r["Data Value"]) * 100)
    insert("element_name", [(n, kind, name) for (kind, name), n in elements.items()])
    insert("element", sorted((o, e, v.get("IM"), v.get("LV")) for (o, e), v in rated.items()))

    table_of = {
        "Occupation Data": "occupation",
        "Job Zones": "occupation",
        "Alternate Titles": "title",
        "Sample of Reported Titles": "title",
        "Related Occupations": "related",
        "Task Statements": "task",
        "Tasks to DWAs": "activity",
        "DWA Reference": "dwa",
        "Technology Skills": "technology",
        "Skills": "element",
        "Knowledge": "element",
    }
    db.executemany(
        "INSERT INTO source VALUES (?, ?, ?, ?)",
        [(f"{table_of[n]}:{n}", s.path.name, s.release, s.sha256()) for n, s in sources.items()],
    )
    meta = {
        "source": "O*NET Database, U.S. Department of Labor, Employment and Training Administration (USDOL/ETA)",
        "releases": ", ".join(releases),
        "licence": LICENCE,
        "attribution": (
            f"This product includes information from the O*NET {' and '.join(releases)} Database by the U.S. "
            "Department of Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 "
            "license. aspire selected and reshaped the data (titles, job zones, related occupations, tasks, work "
            "activities, technologies, skill and knowledge ratings); USDOL/ETA has not approved, endorsed, or "
            "tested these modifications. O*NET® is a trademark of USDOL/ETA."
        ),
        "schema": "1",
        # Titles' terms depend on lemminflect's data: a new version may lemmatise otherwise.
        "lemminflect": _version("lemminflect"),
    }
    db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
    db.commit()
    db.execute("VACUUM")
    db.close()
    tmp.replace(out)
    return dict(counts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m aspire.knowledge.build",
        description="Build aspire's occupation file (SQLite) from O*NET release files.",
    )
    parser.add_argument(
        "--onet",
        action="append",
        type=Path,
        required=True,
        metavar="DIR",
        help="a folder of one O*NET release's files (text or Excel); repeat, newest first",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="FILE", help=f"default: {DEFAULT_OUT}")
    args = parser.parse_args(argv)
    try:
        counts = build(args.onet, args.out)
    except (BuildError, OSError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1e6:.1f} MB): " + ", ".join(f"{t} {n:,}" for t, n in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
