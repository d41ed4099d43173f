"""The citizen-facing screen: checklist, signing, rating."""
