"""Experiments: A/B variants and holdout incrementality."""
