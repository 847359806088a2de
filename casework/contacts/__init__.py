"""Anonymous contacts and collective activities: the services' work that is not a session on a named file."""
