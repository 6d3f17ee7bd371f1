"""Importers and exporters of other programs' formats (vCard, LinkedIn, Google, ICS).

Each format is a module here that turns that format into values of the core
(and back), using the well-kept library for the format; it may use the store
to write notes, and is called by a use case, never by the core.
"""
