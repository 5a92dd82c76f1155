"""Domain errors: each carries a notice code the edge renders into a reply."""

from __future__ import annotations

from typing import Any


class SupportbotError(Exception):
    """Base of every error supportbot raises on purpose."""

    code = "error"

    def __init__(self, message: str = "", **params: Any) -> None:
        super().__init__(message or self.code)
        self.params = params


class ConfigError(SupportbotError):
    """The config file or environment is invalid."""

    code = "config_error"


class IncidentError(SupportbotError):
    """A request about an incident cannot be carried out."""


class IncidentNotFound(IncidentError):
    """No incident has that id."""

    code = "not_found"


class InvalidTransition(IncidentError):
    """The incident is not in a state that allows this."""

    code = "invalid_transition"


class NotAllowed(IncidentError):
    """The user may not do this to this incident."""

    code = "not_allowed"


class NotDeclared(IncidentError):
    """A declaration could not be stored; its reporter gets back what they wrote."""

    code = "not_declared"


class BadInput(SupportbotError):
    """The user typed something we cannot use."""

    code = "bad_input"
