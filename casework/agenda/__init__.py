"""A worker's and a lead's day: home pages, appointments, follow-ups due, who saw my file, handover."""
