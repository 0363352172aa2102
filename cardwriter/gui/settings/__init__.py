"""The Settings dialog and its pages (writing, voice, models)."""
