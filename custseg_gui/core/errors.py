"""Errors a user can act on."""


class UserError(Exception):
    """A failure explained in a sentence a non-programmer can act on.

    The message says what happened and what to do. `details` may carry technical text for the
    log or a "Show details" button; it is never the main message.
    """

    def __init__(self, message: str, details: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class Cancelled(Exception):
    """The user cancelled the running task."""
