"""The ticket machine (取号机)."""
