"""Enforcement that lives in a team's own code and operations (never imports the scanner)."""
