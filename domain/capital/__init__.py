"""Capital governance V5: pure rules for campaigns, experiments, attribution, cost and judgment."""
