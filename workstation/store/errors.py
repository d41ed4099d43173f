"""Errors of the local store (kept import-light for the UI's start)."""


class StoreError(RuntimeError):
    """The local store could not save; what was saved before is intact. The message says
    what went wrong in words a clerk or IT can act on."""
