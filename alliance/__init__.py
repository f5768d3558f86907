"""The therapeutic relationship: a collection of reflective lessons built from plain sources."""

__version__ = "0.1.0"
