"""Functional tests: the core end to end, in process or through the convo command."""
