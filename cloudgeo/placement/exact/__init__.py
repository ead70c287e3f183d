"""Exact solvers: aggregated core problems, enumeration, MILP, p-median, bisection, fast paths."""
