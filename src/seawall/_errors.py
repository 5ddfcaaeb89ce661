"""Exceptions that reach the user as a one-line reason (exit code 2)."""

from __future__ import annotations


class SeawallError(Exception):
    """Base class for errors Seawall reports to the user without a traceback."""


class ConfigError(SeawallError):
    """The configuration (file or command line) is invalid."""


class CatalogError(SeawallError):
    """The control catalog data file is invalid (a packaging bug)."""
