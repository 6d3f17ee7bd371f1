"""Renderers: valid, deterministic, and readable."""

import json

from netnotes.render import render_digest_json


def test_digest_json_is_one_entry_per_line_and_valid_json():
    document = {
        "version": 1,
        "today": "2026-11-21",
        "horizon_days": 7,
        "items": [{"text": 'é "quoted"\nnew line', "line": None}, {"text": "b", "line": 3}],
        "problems": [],
    }
    text = render_digest_json(document)
    assert json.loads(text) == document
    assert text == (
        "{\n"
        '  "version": 1,\n'
        '  "today": "2026-11-21",\n'
        '  "horizon_days": 7,\n'
        '  "items": [\n'
        '    {"text": "é \\"quoted\\"\\nnew line", "line": null},\n'
        '    {"text": "b", "line": 3}\n'
        "  ],\n"
        '  "problems": []\n'
        "}\n"
    )
