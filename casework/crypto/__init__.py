"""Field-level encryption (AES-256-GCM bound to table, column and row) and blind indexes.

See docs/decisions/0001-field-encryption.md for the design and its trade-offs.
"""
