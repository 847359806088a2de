"""Documents attached to cases and sessions, encrypted at rest outside the database."""
