"""Hall codes on the wire (server.halls): a device is enrolled to one hall of its server."""

DEFAULT_HALL = "main"
HALL_CODE = r"^[a-z0-9][a-z0-9_\-]{0,15}$"
