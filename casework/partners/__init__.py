"""Partner directory, consent, referrals and transfers, linked files, legal hold, subject access."""
