"""The matching evaluation: a labelled scenario, a harness that scores the matcher on it, and a report."""
