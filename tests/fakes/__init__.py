"""Fakes of the true external edges (Meta's Graph API), run as real local servers."""
