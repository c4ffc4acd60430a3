"""Data-driven attribution (issue 10): exact Markov removal effects and exact
Shapley values over journeys. Pure numpy/scipy; the Dagster asset that reads the
journeys and writes the weights table is built on these."""
