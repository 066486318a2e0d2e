"""The delinquency diagnostic: the SSMSI's recorded crime beside the inventory's coverage."""
