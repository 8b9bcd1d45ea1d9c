"""Hearing what was said: alerts for disclosures and risk to life, concerns worth asking about, suggestions.

`hear()` is the one function the engine calls; see convo.notice.detector.
"""
