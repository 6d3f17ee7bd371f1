"""The vault on disk: finding and reading notes, the index cache and its codec,
minimal-diff edits and the locked atomic writer.

Imports the core only. The index is a cache that knows nothing of what it is
cached for: a use case hands it the per-note computation it wants done.
"""
