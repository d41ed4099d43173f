"""The supervisor's screens (值班长): monitoring, deadlines, follow-ups."""
