"""Simulated printer fleet and fake OAuth clouds, for tests, the demo and benchmarks.

Never imported by anything under plugins/ and never shipped in the collection build.
"""
