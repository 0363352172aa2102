"""Pieces every feature of the window uses: preferences, appearance, fonts, background work, text marks."""
