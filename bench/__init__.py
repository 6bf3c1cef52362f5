"""Load benchmarks of the whole system (issue #9). Entry point: ``python -m bench`` (see run.py, README.md)."""
