"""Dunning: procedures of reminder levels, pauses, and what a run on a date should send."""
