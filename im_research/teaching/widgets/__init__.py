"""Interactive notebook widgets (ipywidgets): thin layers over library functions.

Each builder returns an object whose ``.widget`` is displayed in a notebook and whose
state (``.table``, ``.result``, ...) can be read in tests after setting widget values, so
the callbacks are tested without a browser. One module per widget family:
``explorers`` (modification indices, paths, the measurement lab), ``simulation_lab``,
``careless`` (the careless-responding screen), ``groups`` (one path equal across
groups), ``power_planner`` (power curves over n), ...

Examples
--------
>>> import numpy as np, pandas as pd, im_research as ir
>>> from im_research.teaching.widgets import ModIndicesExplorer
>>> rng = np.random.default_rng(0); f = rng.normal(size=200)
>>> df = pd.DataFrame({f"x{i}": f + rng.normal(size=200) for i in range(1, 5)})
>>> ex = ModIndicesExplorer(ir.fit("f =~ x1 + x2 + x3 + x4", data=df))
>>> ex.slider.value = 0.0
>>> len(ex.table) > 0
True
"""

from .careless import CarelessScreen
from .explorers import MeasurementLab, ModIndicesExplorer, PathExplorer
from .groups import GroupPathExplorer
from .invariance_explorer import InvarianceExplorer
from .lens_explorer import LensExplorer
from .likert_explorer import LikertExplorer
from .linkage_explorer import LinkageExplorer
from .power_planner import PowerPlanner
from .simulation_lab import SimulationLab

__all__ = ["CarelessScreen", "GroupPathExplorer", "InvarianceExplorer", "LensExplorer",
           "LikertExplorer", "LinkageExplorer",
           "MeasurementLab", "ModIndicesExplorer", "PathExplorer", "PowerPlanner",
           "SimulationLab"]
