"""Errors of the local store (kept import-light for the UI's start)."""


class StoreError(RuntimeError):
    """The local store could not save; what was saved before is intact. The message says
    what went wrong in words a clerk or IT can act on."""


class StoreKeyUnavailable(StoreError):
    """The store is encrypted and its key cannot be had from the OS keyring now (no
    keyring, or it failed): nothing is lost, the store opens once the keyring works."""
