"""What every ``tenfold`` command reads from the command line: the framework it runs with.

The group (:mod:`toolkit.cli`) loads the framework once, from ``--framework`` or the bundled
file, and puts it in the click context; a command, wherever it is defined, asks for it here. A
module of commands imports this, never :mod:`toolkit.cli`, which registers it.
"""

from __future__ import annotations

import click

from toolkit.framework import Framework

__all__ = ["EXIT_BAD_INPUT", "framework_of"]

#: The exit status for bad input: the message is one line on stderr, never a traceback.
EXIT_BAD_INPUT = 2


def framework_of(ctx: click.Context) -> Framework:
    """The framework the command runs with (``--framework``, or the bundled one)."""
    fw: Framework = ctx.find_root().obj["framework"]
    return fw
