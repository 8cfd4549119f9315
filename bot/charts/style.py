"""The shared machinery of every chart: one style, the packaged CJK font, a figure and deterministic PNG bytes.

Figures are built with `matplotlib.figure.Figure` on an explicit Agg canvas (never pyplot, never
`matplotlib.use`), so no global figure registry fills up, nothing needs a display and importing this module changes
no global backend; every chart shares one style (`STYLE`) and a PNG without the "Software" metadata, so the same
input gives the same bytes. Japanese labels are drawn with IPAexGothic, which ships inside the matplotlib-fontja
wheel (IPA Font License): a package dependency, never a font fetched at run time.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

# We locate the font file without importing matplotlib_fontja, because its import rewrites matplotlib's global rc
# settings as a side effect.
CJK_FAMILY = "IPAexGothic"
_DPI = 80

STYLE: dict[RcKeyType, Any] = {
    "font.family": [CJK_FAMILY, "DejaVu Sans"],
    "font.size": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "coach-rehearsal",
    "figure.dpi": _DPI,
    "savefig.dpi": _DPI,
}


def cjk_font_path() -> Path | None:
    """The Japanese-capable font file packaged with the product, or None when the package is missing."""
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "ipaexg.ttf"
    return path if path.is_file() else None


_font_registered = False


def _register_font() -> None:
    """Register the CJK font once per process (font_manager keeps the list; adding twice only costs time)."""
    global _font_registered
    if _font_registered:
        return
    path = cjk_font_path()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
    _font_registered = True


@contextmanager
def figure(width: float, height: float, ncols: int = 1) -> Iterator[tuple[Figure, list[Axes]]]:
    """One styled figure with `ncols` side-by-side axes; the rc style applies while it is drawn."""
    _register_font()
    with rc_context(STYLE):
        fig = Figure(figsize=(width, height), layout="constrained")
        FigureCanvasAgg(fig)
        axes = [fig.add_subplot(1, ncols, i + 1) for i in range(ncols)]
        yield fig, axes


def png(fig: Figure) -> bytes:
    """PNG bytes without the Software/date metadata, so identical input gives identical bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def no_data(ax: Axes, what: str) -> None:
    """An empty panel that says what is missing instead of drawing empty axes."""
    ax.text(0.5, 0.5, what, ha="center", va="center", transform=ax.transAxes, color="grey")
    ax.set_xticks([])
    ax.set_yticks([])
