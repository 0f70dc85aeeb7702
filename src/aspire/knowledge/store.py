"""The built O*NET file, opened read-only, and the occupations in it.

``onet.sqlite`` ships inside the package (``python -m aspire.knowledge.build`` makes
it from O*NET's release files); nothing is downloaded at run time. Each thread gets
its own read-only connection: sqlite3 connections are not shared across threads,
and the server drafts on several.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import InputError

DATA_FILE = Path(__file__).with_name("onet.sqlite")

# SOC 2018 major groups, the first two digits of every O*NET-SOC code.
MAJOR_GROUPS = {
    "11": "Management",
    "13": "Business and Financial Operations",
    "15": "Computer and Mathematical",
    "17": "Architecture and Engineering",
    "19": "Life, Physical, and Social Science",
    "21": "Community and Social Service",
    "23": "Legal",
    "25": "Educational Instruction and Library",
    "27": "Arts, Design, Entertainment, Sports, and Media",
    "29": "Healthcare Practitioners and Technical",
    "31": "Healthcare Support",
    "33": "Protective Service",
    "35": "Food Preparation and Serving Related",
    "37": "Building and Grounds Cleaning and Maintenance",
    "39": "Personal Care and Service",
    "41": "Sales and Related",
    "43": "Office and Administrative Support",
    "45": "Farming, Fishing, and Forestry",
    "47": "Construction and Extraction",
    "49": "Installation, Maintenance, and Repair",
    "51": "Production",
    "53": "Transportation and Material Moving",
    "55": "Military Specific",
}

_local = threading.local()


def connection() -> sqlite3.Connection:
    db: sqlite3.Connection | None = getattr(_local, "db", None)
    if db is None:
        if not DATA_FILE.is_file():
            raise InputError(
                f"the occupation data file is missing ({DATA_FILE}); reinstall aspire, or build it with "
                "python -m aspire.knowledge.build"
            )
        db = sqlite3.connect(f"{DATA_FILE.as_uri()}?mode=ro", uri=True)
        _local.db = db
    return db


@dataclass(frozen=True)
class Occupation:
    """One O*NET-SOC occupation: its code, title and Job Zone (1-5, the preparation it needs)."""

    id: int
    code: str
    title: str
    job_zone: int | None
    description: str

    @property
    def major_group(self) -> str:
        return self.code[:2]

    @property
    def major_group_title(self) -> str:
        return MAJOR_GROUPS.get(self.major_group, "")

    @property
    def broad_group(self) -> str:
        """ "47-2111.00" → "47-211": the SOC broad occupation, a family of close jobs."""
        return self.code[:6]

    @property
    def is_supervisor(self) -> bool:
        return self.title.startswith("First-Line Supervisors") or "Supervisor" in self.title

    @property
    def is_manager(self) -> bool:
        return self.major_group == "11" or "Managers" in self.title


@cache
def occupations() -> tuple[Occupation, ...]:
    rows = connection().execute("SELECT id, code, title, job_zone, description FROM occupation ORDER BY id")
    return tuple(Occupation(*row) for row in rows)


@cache
def _by_code() -> dict[str, Occupation]:
    return {o.code: o for o in occupations()}


@cache
def _by_id() -> dict[int, Occupation]:
    return {o.id: o for o in occupations()}


def by_id(occ: int) -> Occupation:
    return _by_id()[occ]


def get(code: str) -> Occupation:
    """The occupation of an O*NET-SOC code ("23-2011.00"; "23-2011" means its ".00")."""
    wanted = code.strip()
    if len(wanted) == 7 and wanted[2] == "-":
        wanted += ".00"
    found = _by_code().get(wanted)
    if found is None:
        raise InputError(
            f'no occupation has the O*NET-SOC code {code!r}; find one with: aspire occupation "JOB TITLE"',
            field="occupation",
        )
    return found


@cache
def meta() -> dict[str, str]:
    return dict(connection().execute("SELECT key, value FROM meta").fetchall())
