"""Controls the widgets share. ipywidgets clamps a value outside a slider's range without
a word, so the starting values are checked here and refused by name."""

from __future__ import annotations

import ipywidgets as w

from ...validation import as_count, as_number


def path_slider(value, arg: str, description: str, low: float, style, layout,
                high: float = 0.7):
    """A slider for a standardized path from ``low`` to ``high`` in steps of .05; a
    starting ``value`` outside that range is refused naming ``arg``."""
    value = as_number(value, arg, low=low, high=high, low_open=False, high_open=False)
    return w.FloatSlider(value=value, min=low, max=high, step=0.05, description=description,
                         continuous_update=False, readout_format=".2f", style=style,
                         layout=layout)


def count_in(value, arg: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` (a slider's range), refused otherwise."""
    value = as_count(value, arg, minimum=low)
    if value > high:
        from ...errors import ArgumentError

        raise ArgumentError(f"{arg}={value} must be at most {high}")
    return value
