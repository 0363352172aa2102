"""Cardwriter: an offline writing app where every paragraph has a stack of variants."""

__version__ = "0.1.0"
