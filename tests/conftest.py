"""Shared fixtures: profiles, model replies that pass every rule, paths to sample files."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aspire import CandidateProfile

REPO = Path(__file__).resolve().parents[1]

EXAMPLE_RESUMES = REPO / "examples" / "resumes"

# The article's Individual Development Plan for XYZ Company, word for word.
ARTICLE_PLAN = [
    "Get hired by XYZ Company",
    "Learn company's customer service approach",
    "Master customer service approach by getting positive customer reviews",
    "Identify potential customer service improvements",
    "Suggest places of improvements to senior management",
    "Lead customer experience improvement project",
    "Get promoted to Brand Manager",
    "Lead small branding teams to drive big results",
    "Get promoted to Senior Brand Manager",
]


def pytest_configure(config: pytest.Config) -> None:
    """Settings for the whole test session (a hook, so that bench/run.py, which imports this
    module for its fixtures' data, is not changed by them)."""
    # The tests exercise the machinery on the small embedded model, the one the dev extra
    # installs (the default, 1.5B, is 1.1 GB and slower); the CLI's subprocesses inherit this.
    os.environ.setdefault("ASPIRE_EMBEDDED_MODEL", "qwen2.5-coder-0.5b")
    # Most tests script a whole draft in one fake reply; tests/test_stepwise.py and the
    # end-to-end tests of the default say method="steps" (or --method steps) themselves.
    os.environ.setdefault("ASPIRE_METHOD", "whole")


@pytest.fixture(autouse=True)
def _restore_environment() -> Iterator[None]:
    """The CLI's load_dotenv writes straight into os.environ; undo it after each test."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


STORE_PROFILE = CandidateProfile(
    resume=(
        "Assistant Store Manager, Best Buy, 2015-present\n"
        "- Recruited and trained new employees.\n"
        "- Coordinated sales promotions and managed inventory.\n"
        "Bachelor of Business Administration"
    ),
    company="Target",
    role="Store Manager",
    skills="retail operations, team leadership, inventory",
)


@pytest.fixture
def profile() -> CandidateProfile:
    return STORE_PROFILE.model_copy(deep=True)


def good_reply_data(company: str = "Target") -> dict[str, Any]:
    """A model reply (the generated part, without the hire goal) that passes every rule."""
    return {
        "self_assessment": {
            "strengths": ["Training new employees", "Running sales promotions"],
            "growth_areas": ["Managing a whole store's budget"],
        },
        "plan": {
            "aspirations": [
                {"aspiration": "Run a flagship store as a district leader", "reason": "Builds on store leadership."},
                {"aspiration": "Design training programs for new store teams", "reason": "Builds on training staff."},
            ],
            "aspiration": "Run a flagship store as a district leader",
            "goals": [
                {
                    "goal": f"Learn {company}'s store operations",
                    "kind": "learn",
                    "company_support": "Manager onboarding",
                    "evidence": "Coordinated sales promotions and managed inventory.",
                },
                {
                    "goal": "Lead a seasonal sales promotion",
                    "kind": "project",
                    "company_support": "Seasonal campaigns",
                    "evidence": "Coordinated sales promotions",
                },
                {
                    "goal": "Get promoted to district leader",
                    "kind": "promotion",
                    "company_support": "Promotion from store to district roles",
                    "evidence": "Recruited and trained new employees.",
                },
            ],
        },
        "answer": (
            f"I see myself growing into a district leader with {company}, running a flagship store. "
            "I have recruited and trained new employees and coordinated sales promotions at Best Buy, "
            f"so my first goal is to learn {company}'s store operations and lead a seasonal sales "
            f"promotion. {company}'s manager onboarding and its path from store to district roles "
            "would help me grow, and in return I would build teams that serve customers well every day."
        ),
    }


@pytest.fixture
def good_reply() -> dict[str, Any]:
    return good_reply_data()


@pytest.fixture
def make_reply():
    def _make(**changes: Any) -> dict[str, Any]:
        data = copy.deepcopy(good_reply_data())
        for dotted, value in changes.items():
            node = data
            *parents, leaf = dotted.split("__")
            for key in parents:
                node = node[key]
            node[leaf] = value
        return data

    return _make


@pytest.fixture
def fake_model(monkeypatch):
    """Route the CLI's single library call to a fake backend with good replies for the company."""
    import aspire.commands as commands
    from aspire import FakeBackend
    from aspire.generate import generate as real_generate

    fake = FakeBackend()

    def fake_generate(profile, *, backend=None, **options):
        fake.queue(*[good_reply_data(profile.company)] * options.get("max_attempts", 3))
        return real_generate(profile, backend=fake, **options)

    monkeypatch.setattr(commands, "generate", fake_generate)
    return fake


def run_cli(capsys, *argv):
    """``aspire ARGV`` in process: (exit code, stdout, stderr)."""
    import aspire.cli as cli

    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
