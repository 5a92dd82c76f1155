"""Report charts: the series kept with a report, and the PNG drawn from them with matplotlib
(Agg, no display). Titles and alt text come from a template like every other text."""

from __future__ import annotations

import io
from typing import Any

from bot.config import Plan
from bot.reports.report import Report
from bot.slack import Renderer
from bot.store import ReportKind

INCIDENTS_PER_DAY = "incidents_per_day"
TIME_AGAINST_TARGET = "time_against_target"
TIER_COLOURS = ("#e01e5a", "#ecb22e", "#36c5f0", "#2eb67d", "#8e44ad", "#7f8c8d")


def _minutes(value: Any) -> float | None:
    return None if value is None else round(value.total_seconds() / 60, 1)


def chart_data(plan: Plan, report: Report) -> list[dict[str, Any]]:
    """The series each chart of this report is drawn from (none for daily metrics)."""
    if report.kind == ReportKind.DAILY:
        return []
    f = report.figures
    per_day = {
        "name": INCIDENTS_PER_DAY,
        "days": [day.isoformat() for day, _ in f.per_day],
        "tiers": [
            {
                "tier": t.tier,
                "name": t.name,
                "counts": [counts.get(t.tier, 0) for _, counts in f.per_day],
            }
            for t in f.tiers
        ],
    }
    timing = {
        "name": TIME_AGAINST_TARGET,
        "tiers": [
            {
                "tier": t.tier,
                "name": t.name,
                "ack": _minutes(t.to_ack.median),
                "resolve": _minutes(t.to_resolve.median),
                "respond_target": _minutes(_target(plan, t.tier, "respond")),
                "resolve_target": _minutes(_target(plan, t.tier, "resolve")),
            }
            for t in f.tiers
        ],
    }
    return [per_day, timing]


def _target(plan: Plan, tier: int, which: str) -> Any:
    config = plan.tiers.get(tier)
    return getattr(config, which) if config is not None else None


def chart_specs(renderer: Renderer, plan: Plan, report: Report) -> list[dict[str, Any]]:
    """Each chart's data with its title and alt text, ready to keep with the report."""
    data = chart_data(plan, report)
    if not data:
        return []
    words = {w["name"]: w for w in renderer.objects("report_charts.j2", report=report, data=data)}
    return [{**d, "title": words[d["name"]]["title"], "alt": words[d["name"]]["alt"]} for d in data]


def draw(chart: dict[str, Any]) -> bytes:
    """The chart as a PNG."""
    # Imported here: matplotlib takes half a second to load, and only uploads need it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    if chart["name"] == INCIDENTS_PER_DAY:
        _stacked_days(axes, chart)
    else:
        _against_target(axes, chart)
    axes.set_title(chart["title"], fontsize=11)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _stacked_days(axes: Any, chart: dict[str, Any]) -> None:
    days = [d[5:] for d in chart["days"]]
    bottom = [0] * len(days)
    for i, tier in enumerate(chart["tiers"]):
        axes.bar(
            days,
            tier["counts"],
            bottom=bottom,
            label=f"Tier {tier['tier']} {tier['name']}",
            color=TIER_COLOURS[i % len(TIER_COLOURS)],
        )
        bottom = [b + c for b, c in zip(bottom, tier["counts"], strict=True)]
    axes.set_ylabel("incidents declared")
    axes.yaxis.get_major_locator().set_params(integer=True)
    if len(days) > 14:
        axes.set_xticks(range(0, len(days), max(1, len(days) // 12)))
    axes.tick_params(axis="x", labelsize=8, labelrotation=45)
    axes.legend(fontsize=8)


def _against_target(axes: Any, chart: dict[str, Any]) -> None:
    """Median times as a share of each tier's target: under the 100 % line is within it."""
    labels, ack, resolve = [], [], []
    for tier in chart["tiers"]:
        labels.append(f"Tier {tier['tier']}")
        ack.append(_share(tier["ack"], tier["respond_target"]))
        resolve.append(_share(tier["resolve"], tier["resolve_target"]))
    positions = range(len(labels))
    axes.bar([p - 0.2 for p in positions], ack, width=0.4, label="to acknowledge", color="#36c5f0")
    axes.bar([p + 0.2 for p in positions], resolve, width=0.4, label="to resolve", color="#2eb67d")
    axes.axhline(100, color="#e01e5a", linestyle="--", label="target")
    axes.set_xticks(list(positions), labels)
    axes.set_ylabel("median, % of target")
    axes.legend(fontsize=8)


def _share(value: float | None, target: float | None) -> float:
    return 0.0 if value is None or not target else round(100 * value / target, 1)
