"""What every command shares: the exit codes and turning Seawall errors into one line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

__all__ = ["EXIT_CLEAN", "EXIT_FINDINGS", "EXIT_USAGE", "_fail", "_guarded"]

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str) -> None:
    click.echo(f"seawall: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _guarded(func: F) -> F:
    """Turn Seawall's own errors into a one-line reason and exit code 2."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from seawall._errors import SeawallError

        try:
            return func(*args, **kwargs)
        except SeawallError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            click.echo("seawall: interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]
