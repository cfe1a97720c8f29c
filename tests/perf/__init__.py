"""Benchmarks of the Foundation issue (`make bench`): intake throughput, queue latency, API memory.

Not collected by pytest (norecursedirs): timings are reported, never asserted.
"""
