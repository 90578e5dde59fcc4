"""Benchmarks: each script runs alone; ``python -m bench`` runs them all (see bench/README.md)."""
