"""The hall display (综合屏) and its voice."""
