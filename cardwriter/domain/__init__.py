"""Pure-Python domain: drafts, cards, variants, notes, and paragraph splitting.

Imports nothing but the standard library.
"""
