"""Capital governance: pure rules for campaigns, experiments, attribution, cost and judgment."""
