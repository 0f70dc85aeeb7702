"""What an eval run cost: tokens per case and, where prices are known, money per accepted draft.

No price is written into aspire: they change, and a stale one would be a wrong number in
every report. The user gives them (``--price-in``/``--price-out``, per million tokens) or
keeps a prices file, YAML or JSON, keyed by model name::

    gpt-4o-mini:
      input: 0.15          # per million prompt tokens
      output: 0.60         # per million completion tokens
      batch_input: 0.075   # optional: what a Batch API request costs ...
      batch_output: 0.30
      # batch_rate: 0.5    # ... or the batch price as a share of the list price

Requests sent through the Batch API are priced at the batch price. Results imported from
a file (vLLM's run_batch, any runner of your own) are priced at the list price unless a
batch price or rate is given: your own GPUs give no discount on the price you set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError

MILLION = 1_000_000


@dataclass(frozen=True)
class Prices:
    """Prices per million tokens; ``batch_*`` for requests sent as a batch."""

    input: float
    output: float
    batch_input: float | None = None
    batch_output: float | None = None
    source: str = "--price-in/--price-out"

    def rates(self, batch: str | None) -> tuple[float, float] | None:
        """(input, output) per million tokens for a run sent live (``None``), through the
        Batch API (``"openai"``) or from a file (``"file"``); ``None`` when not known."""
        if batch is None:
            return self.input, self.output
        if self.batch_input is not None and self.batch_output is not None:
            return self.batch_input, self.batch_output
        if batch == "file":
            return self.input, self.output
        return None


def _price(value: Any, what: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InputError(f"{where}: {what} must be a price per million tokens (a number, 0 or more)", field="prices")
    return float(value)


def load_prices_file(path: Path, model: str) -> Prices:
    """The prices of ``model`` from a prices file (YAML or JSON, which YAML reads too)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the prices file {path}: {exc.strerror or exc}", field="prices") from None
    except yaml.YAMLError:
        raise InputError(f"the prices file {path} is not valid YAML or JSON", field="prices") from None
    if not isinstance(data, Mapping):
        raise InputError(f"the prices file {path} must map model names to prices", field="prices")
    entry = data.get(model)
    if entry is None:
        known = ", ".join(sorted(str(k) for k in data)) or "none"
        raise InputError(f"the prices file {path} has no prices for model {model!r} (it has: {known})", field="prices")
    if not isinstance(entry, Mapping) or "input" not in entry or "output" not in entry:
        raise InputError(f"{path}: {model}: give 'input' and 'output' prices per million tokens", field="prices")
    where = f"{path}: {model}"
    prices = {"input": _price(entry["input"], "input", where), "output": _price(entry["output"], "output", where)}
    batch: dict[str, float | None] = {"batch_input": None, "batch_output": None}
    if "batch_input" in entry or "batch_output" in entry:
        batch = {k: _price(entry.get(k), k, where) for k in batch}
    elif "batch_rate" in entry:
        rate = _price(entry["batch_rate"], "batch_rate", where)
        batch = {"batch_input": prices["input"] * rate, "batch_output": prices["output"] * rate}
    return Prices(
        input=prices["input"],
        output=prices["output"],
        batch_input=batch["batch_input"],
        batch_output=batch["batch_output"],
        source=f"{path} ({model})",
    )


def resolve_prices(
    *,
    price_in: float | None,
    price_out: float | None,
    batch_rate: float | None,
    prices_file: str | None,
    model: str,
) -> Prices | None:
    """Prices from the options, else from the prices file, else none (tokens are still counted)."""
    if (price_in is None) != (price_out is None):
        raise InputError("give both --price-in and --price-out (per million tokens), or neither", field="prices")
    prices: Prices | None = None
    if price_in is not None and price_out is not None:
        prices = Prices(input=price_in, output=price_out)
    elif prices_file:
        prices = load_prices_file(Path(prices_file), model)
    if prices is not None and batch_rate is not None:
        prices = Prices(
            input=prices.input,
            output=prices.output,
            batch_input=prices.input * batch_rate,
            batch_output=prices.output * batch_rate,
            source=f"{prices.source}, batch rate {batch_rate:g}",
        )
    elif batch_rate is not None:
        raise InputError("--batch-rate needs prices: --price-in and --price-out, or --prices FILE", field="prices")
    return prices


def accepted(record: Mapping[str, Any]) -> bool:
    """Accepted: every rule and expectation passed, and a judge or reader who read it accepts it."""
    if record.get("status") != "passed":
        return False
    judge = record.get("judge")
    if isinstance(judge, Mapping) and "error" not in judge and not judge.get("accepts"):
        return False
    reader = record.get("reader")
    return not (isinstance(reader, Mapping) and reader.get("verdict") != "accept")


def _tokens(record: Mapping[str, Any]) -> tuple[int, int]:
    usage = record.get("usage") or {}
    return int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))


def add_costs(
    summary: dict[str, Any], records: Sequence[dict[str, Any]], prices: Prices | None, *, batch: str | None
) -> None:
    """Tokens per case into ``summary`` (always) and the cost of each case, the run and each
    accepted draft (where prices are known) into ``summary`` and each record's ``cost``."""
    drafted = [r for r in records if _tokens(r) != (0, 0)]
    totals = [sum(_tokens(r)) for r in drafted]
    summary["tokens_per_case"] = {
        "cases": len(drafted),
        "mean": round(sum(totals) / len(totals), 1) if totals else 0.0,
        "max": max(totals) if totals else 0,
    }
    accepted_count = sum(accepted(r) for r in records)
    summary["accepted"] = accepted_count
    if prices is None:
        return
    rates = prices.rates(batch)
    cost: dict[str, Any] = {
        "prices": prices.source,
        "rate": "list" if batch is None or rates == (prices.input, prices.output) else "batch",
        "per_million": None if rates is None else {"input": rates[0], "output": rates[1]},
    }
    if rates is None:
        cost["note"] = (
            "no batch price known: give --batch-rate (the Batch API's price as a share of the list "
            "price) or batch_input/batch_output in the prices file"
        )
        summary["cost"] = cost
        return
    total = 0.0
    for record in records:
        prompt, completion = _tokens(record)
        record["cost"] = round((prompt * rates[0] + completion * rates[1]) / MILLION, 6)
        total += record["cost"]
    cost["total"] = round(total, 6)
    cost["per_case"] = round(total / len(records), 6) if records else None
    cost["per_accepted_draft"] = round(total / accepted_count, 6) if accepted_count else None
    summary["cost"] = cost


def cost_line(summary: Mapping[str, Any]) -> str:
    """One sentence on what the run cost, for the reports and the terminal."""
    tokens = summary.get("tokens_per_case") or {}
    said = f"tokens per case: mean {tokens.get('mean', 0):,} (max {tokens.get('max', 0):,})"
    cost = summary.get("cost")
    if not cost:
        return f"{said}; cost: no prices given (--price-in/--price-out or --prices FILE)"
    if "total" not in cost:
        return f"{said}; cost unknown: {cost['note']}"
    per = cost["per_accepted_draft"]
    each = "no draft accepted" if per is None else f"{_money(per)} per accepted draft ({summary['accepted']} accepted)"
    return f"{said}; cost {_money(cost['total'])} at {cost['rate']} prices, {each}"


def _money(value: float) -> str:
    return f"${value:,.4f}" if value < 100 else f"${value:,.2f}"
