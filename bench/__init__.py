"""The benchmark: bench/run.py drives wrk against the widget and its bare baselines."""
