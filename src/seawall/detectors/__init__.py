"""Detectors: the secret (and later PII) rule packs, compiled once, shared by checks and protect."""
