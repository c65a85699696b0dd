"""Digests, the change-lead report, exports and the anonymity rules they all obey."""
