"""``tenfold`` run in this process as a person runs it, for the CLI's tests: the ``run`` fixture
(``tests/conftest.py``) gives a :data:`Run`; ``run("score", path)`` is (exit status, standard
output, standard error). An exception that escapes a command raises in the test, so a traceback
a person would see cannot pass as an exit status."""

from __future__ import annotations

from collections.abc import Callable

from click.testing import CliRunner

from toolkit.cli import cli

Run = Callable[..., tuple[int, str, str]]


def cli_runner() -> Run:
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return invoke
