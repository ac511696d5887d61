"""What a page and a widget exchange, for tests: the widget state the browser syncs.

ipywidgets applies a state sent by the browser with ``Widget.set_state`` and sends its own with
``Widget.get_state``; going through both, a test drives the same path a click in the page does
and reads what the page is told, without touching a widget's private attributes.
"""

from __future__ import annotations

from typing import Any

from toolkit.charts.radar import PICKS


def click_radar(radar: Any, factor: str, *, layer: str = "pick_label") -> None:
    """Do what the page does when ``factor``'s spoke label (or another ``layer`` of
    :data:`~toolkit.charts.radar.PICKS`) is clicked: sync the Vega selections into the chart
    widget's state."""
    clicked = {"vlPoint": {"or": [{"factor": factor}]}, "factor": [factor]}
    selections: dict[str, dict[str, Any]] = {
        name: {"value": clicked if name == layer else None, "store": []} for name in PICKS
    }
    radar.set_state({"_vl_selections": selections})


def css_classes(widget: Any) -> set[str]:
    """The CSS classes the page is told to put on ``widget``'s element."""
    return set(widget.get_state("_dom_classes")["_dom_classes"])
