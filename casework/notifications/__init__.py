"""In-app notifications (and the optional e-mail digest): identifiers and references only."""
