"""A series summary: what its published memos said, gathered into one document."""
