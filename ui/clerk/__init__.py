"""The clerk's screens at the counter window."""
