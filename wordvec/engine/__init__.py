"""Layer 2: compiled numba kernels.

Kernels take plain arrays and scalars, update arrays in place and return plain
numbers; random state is a uint64 array passed in. The Python code around them
validates input, owns the loops, schedules, progress and I/O.
"""
