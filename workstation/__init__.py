"""The counter workstation of a government service hall: the Qt-free core."""

__version__ = "0.1.0"
