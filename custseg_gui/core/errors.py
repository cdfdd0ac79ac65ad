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


def saved_version(content: dict, current: int, name: str, use: str, damaged) -> int:
    """The version of a file CustSeg saved (an analysis, a segmentation): `damaged(what)` is
    the error of one without a version; one from a newer CustSeg is refused, saying to install
    it to `use` the file ("open it", "use it")."""
    version = content.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise damaged("it has no version")
    if version > current:
        raise UserError(f"{name} was saved by a newer version of CustSeg "
                        f"({content.get('app_version', 'unknown')}). Install the newer version "
                        f"to {use}.")
    return version
