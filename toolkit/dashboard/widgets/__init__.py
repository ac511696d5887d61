"""The widgets both dashboards are built from, each a small ES module in ``static/`` with its
Python side here: the page bridge, the finding form, the findings table, the consensus board,
the drop zone, the download button and the radar pane."""
