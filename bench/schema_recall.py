"""How well large-schema retrieval finds a question's tables (FR-8).

Every Spider database becomes one schema of a single large schema; for each
dev question, the gold SQL's tables must all be in the context chosen from the
question's words alone. Run: ``.venv/bin/python -m bench.schema_recall``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

from core.prompt import estimate_tokens, table_text
from core.retrieval import select_tables
from core.schema import Schema

from .spider_schema import Item, load_items, load_schema, recall


@dataclass(frozen=True)
class Result:
    """Figures of one run over ``questions`` items."""

    tables: int
    questions: int
    recall: float
    tokens: list[int]
    ms: list[float]
    misses: list[Item]


def run(schema: Schema, items: Sequence[Item], budget: int, samples: bool = True) -> Result:
    """Select tables for every item and measure recall, context size and time."""
    select_tables("warm the index", schema, budget_tokens=budget, send_samples=samples)
    tokens, ms, misses = [], [], []
    for item in items:
        started = time.perf_counter()
        chosen = select_tables(item.question, schema, budget_tokens=budget, send_samples=samples)
        ms.append((time.perf_counter() - started) * 1000)
        tokens.append(sum(estimate_tokens(table_text(t, schema.dialect, samples)) for t in chosen))
        if not recall(chosen, item.gold):
            misses.append(item)
    hits = len(items) - len(misses)
    return Result(len(schema.tables), len(items), hits / len(items), tokens, ms, misses)


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(result: Result, budget: int) -> str:
    """The figures as a few printable lines."""
    return "\n".join(
        [
            f"tables in the schema   {result.tables}",
            f"questions              {result.questions}",
            f"recall@{budget:<16} {result.recall:.1%}",
            f"context tokens         median {statistics.median(result.tokens):.0f}, "
            f"p95 {percentile(result.tokens, 0.95):.0f}",
            f"selection ms           median {statistics.median(result.ms):.2f}, "
            f"p95 {percentile(result.ms, 0.95):.2f}",
        ]
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=6000, help="schema tokens (6000)")
    parser.add_argument("--no-samples", action="store_true", help="ignore the SQLite samples")
    parser.add_argument("--misses", type=int, default=0, help="print this many misses")
    args = parser.parse_args(argv)

    schema = load_schema(samples=not args.no_samples)
    result = run(schema, load_items(schema), args.budget, samples=not args.no_samples)
    print(report(result, args.budget))
    for item in result.misses[: args.misses]:
        print(f"  miss [{item.db_id}] {item.question}  gold={sorted(item.gold)}")


if __name__ == "__main__":
    main()
