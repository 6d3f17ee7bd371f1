"""Renderers: valid, deterministic, and readable."""

import json
from datetime import date

import pytest

from netnotes.core.model import Item, ItemKind, Problem, Severity, Status
from netnotes.core.render import Digest, digest_document, render_digest_json


def test_digest_json_is_one_entry_per_line_and_the_documents_json():
    digest = Digest(
        date(2026, 11, 21),
        7,
        [
            Item(ItemKind.TASK, Status.TODAY, date(2026, 11, 21), 'Zoë "Z"', "contacts/z.md", None,
                 'task: é "quoted"\nnew line \\ back'),
            Item(ItemKind.BIRTHDAY, Status.UPCOMING, date(2026, 11, 24), "Ann", "contacts/a b.md", 3,
                 "birthday on 24 November"),
        ],
        [Problem("contacts/bad.md", 2, Severity.ERROR, "front matter: bad")],
    )  # fmt: skip
    text = render_digest_json(digest)
    assert json.loads(text) == digest_document(digest)
    assert text == (
        "{\n"
        '  "version": 1,\n'
        '  "today": "2026-11-21",\n'
        '  "horizon_days": 7,\n'
        '  "items": [\n'
        '    {"kind": "task", "status": "today", "due": "2026-11-21", "contact": "Zoë \\"Z\\"", '
        '"path": "contacts/z.md", "line": null, "text": "task: é \\"quoted\\"\\nnew line \\\\ back"},\n'
        '    {"kind": "birthday", "status": "upcoming", "due": "2026-11-24", "contact": "Ann", '
        '"path": "contacts/a b.md", "line": 3, "text": "birthday on 24 November"}\n'
        "  ],\n"
        '  "problems": [\n'
        '    {"path": "contacts/bad.md", "line": 2, "severity": "error", "message": "front matter: bad"}\n'
        "  ]\n"
        "}\n"
    )


def test_an_empty_digest_in_json():
    text = render_digest_json(Digest(date(2026, 11, 21), 7, [], []))
    assert text.endswith('  "items": [],\n  "problems": []\n}\n')
    assert json.loads(text)["items"] == []


@pytest.mark.parametrize(
    "path", ["contacts/jill.md", "contacts/a b/ç.md", "People/Sam Ortiz.md", "x.md", "c/#1?.md"]
)
def test_a_link_from_the_vaults_root_is_what_relpath_gives(path):
    import posixpath
    from urllib.parse import quote

    from netnotes.core.render import _link_target

    assert _link_target(path, "") == quote(posixpath.relpath(path, "."), safe="/")
