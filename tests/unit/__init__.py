"""Unit tests: one module or data file on its own."""
