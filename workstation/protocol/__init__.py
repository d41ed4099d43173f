"""Wire schemas shared by the hall server and the workstation: one definition of every message."""

API_PREFIX = "/api/v1"
