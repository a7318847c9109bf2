"""Rasa custom actions: thin adapters over the `triage` library."""
