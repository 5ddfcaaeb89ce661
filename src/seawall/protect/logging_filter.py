"""Redaction for Python logging and structlog (MI-2's Enforce clause).

Attach :class:`RedactingFilter` to a handler (so records from every logger
that reaches it are covered) or to a logger; add :func:`redact_processor` to a
structlog processor chain before the renderer.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, MutableMapping
from typing import Any

from seawall.protect.redaction import Redactor, default_redactor

__all__ = ["RedactingFilter", "redact_processor"]

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_PLAIN_RECORD = logging.LogRecord("", 0, "", 0, "", (), None).__dict__
_STANDARD = frozenset(_PLAIN_RECORD.keys() | {"message", "asctime", "taskName"})
_FORMATTER = logging.Formatter()


class RedactingFilter(logging.Filter):
    """Redacts a record's message, arguments, ``extra`` fields, exception and stack text.

    The message is formatted with its arguments first and the result
    redacted, so a secret inside an argument's ``str()`` is caught too;
    ``record.args`` is then cleared. Exception text is formatted here and
    stored redacted in ``record.exc_text``, which formatters use as is.
    Mapping arguments and ``extra`` values are replaced by redacted copies;
    the caller's objects are never changed.
    """

    def __init__(self, redactor: Redactor | None = None, name: str = "") -> None:
        super().__init__(name)
        self._redactor = redactor

    @property
    def redactor(self) -> Redactor:
        """The redactor in use (the process-wide default unless one was given)."""
        if self._redactor is None:
            self._redactor = default_redactor()
        return self._redactor

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place (it belongs to logging, not the caller); always keep it."""
        redactor = self.redactor
        record.msg, record.args = self._message(record, redactor), None
        # Records without `extra=` have only standard attributes: skip the set difference.
        if len(record.__dict__) > len(_PLAIN_RECORD):
            extras = {k: record.__dict__[k] for k in record.__dict__.keys() - _STANDARD}
            # The same rules as any mapping: sensitive names masked whole (with the
            # keyed hash tag when configured), strings redacted, containers copied.
            record.__dict__.update(redactor.redact_mapping(extras))
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redactor.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redactor.redact(record.stack_info)
        return True

    @staticmethod
    def _message(record: logging.LogRecord, redactor: Redactor) -> Any:
        if not record.args and isinstance(record.msg, Mapping):
            return redactor.redact_mapping(record.msg)  # structured message objects
        try:
            message = record.getMessage()
        except Exception:
            # Logging would print the raw arguments with its error report; show
            # them redacted instead, and keep the record.
            message = f"{record.msg} (unformattable arguments: {record.args!r})"
        return redactor.redact(message)


def redact_processor(
    logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A structlog processor: returns a redacted copy of the event dict."""
    redacted: MutableMapping[str, Any] = default_redactor().redact_mapping(event_dict)
    return redacted
