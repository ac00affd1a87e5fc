"""vectordb beside the systems a Python user would pick instead, on the same data in the same run.

One adapter module per system (same interface, see `base.Adapter`), a worker that drives one system in its own
process (so peak memory is that system's alone), a runner that prepares the data and collects the results,
and the plots and the README table made from them. Entry point: `python -m benchmarks.peers.run --help`.
"""
