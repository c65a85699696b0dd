"""The mood and adoption chart that travels with a digest, as PNG bytes.

Rendered on a `matplotlib.figure.Figure` with the Agg canvas, never through pyplot: pyplot
keeps global state (the current figure, a registry of open figures) that leaks memory and
races when digests render on worker threads. Matplotlib still shares its font cache and
text layout across figures, so rendering is serialised by a lock; a chart takes tens of
milliseconds, once per digest.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence

from bot.reports.digest import TrendPoint

_RENDER = threading.Lock()
_MOOD_COLOUR = "#4A154B"
_ADOPTION_COLOUR = "#2EB67D"


def chart_alt_text(points: Sequence[TrendPoint]) -> str:
    """What the chart shows, for screen readers and the file's description."""
    if not points:
        return "No cycles to chart yet."
    shown = [p for p in points if p.mood is not None]
    last = shown[-1] if shown else None
    summary = f"Mood (1-5) and adoption (share answering yes) over {len(points)} cycles"
    if last is None or last.mood is None:
        return summary + "."
    tail = f"; latest mood {last.mood:.1f}"
    if last.yes_share is not None:
        tail += f", adoption {last.yes_share:.0%}"
    return summary + tail + "."


def trend_chart_png(points: Sequence[TrendPoint]) -> bytes:
    """A small two-axis line chart: mood on the left, the "yes" share on the right.

    Cycles with too few respondents are gaps, not zeros, so suppression never looks like a
    collapse in mood.
    """
    # Imported here: matplotlib costs ~50 MB of memory, and a chart is drawn once a week.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    labels = [p.week.strftime("%d %b") for p in points]
    x = list(range(len(points)))
    mood = [math.nan if p.mood is None else p.mood for p in points]
    yes = [math.nan if p.yes_share is None else p.yes_share for p in points]

    with _RENDER:
        figure = Figure(figsize=(6.0, 2.6), dpi=100)
        FigureCanvasAgg(figure)
        ax = figure.add_subplot()
        ax.plot(x, mood, marker="o", color=_MOOD_COLOUR, linewidth=2, label="Mood (1-5)")
        ax.set_ylim(1, 5)
        ax.set_yticks([1, 2, 3, 4, 5])
        ax.set_ylabel("Mood", color=_MOOD_COLOUR)
        ax.set_xticks(x, labels, fontsize=8)
        ax.grid(axis="y", alpha=0.3)
        share = ax.twinx()
        share.plot(x, yes, marker="s", color=_ADOPTION_COLOUR, linewidth=2, label="Adoption")
        share.set_ylim(0, 1)
        share.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        share.set_ylabel('Answered "yes"', color=_ADOPTION_COLOUR)
        for axis in (ax, share):
            axis.spines["top"].set_visible(False)
        if len(points) == 1:
            ax.set_xlim(-0.5, 0.5)
        figure.legend(loc="upper left", ncols=2, fontsize=8, frameon=False)
        figure.tight_layout(rect=(0, 0, 1, 0.9))
        buffer = io.BytesIO()
        figure.savefig(
            buffer,
            format="png",
            metadata={
                "Title": "Change Pulse trend",
                "Description": chart_alt_text(points),
                "Software": None,
            },
        )
    return buffer.getvalue()
