"""Issue 26: the digest's items as CalDAV to-dos on the phone, and back into the notes.

The server is a real Radicale on loopback (tests/conftest.py); the phone is played with
the caldav library, as DAVx5 or iOS would talk to it."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from netnotes.cli import cli
from netnotes.core.model import Item, ItemKind, Status
from netnotes.core.todos import PhoneTodo, plan, todo_uid

TODAY = "2026-11-21"

SAM = """\
---
name: Sam Ortiz
---
- [ ] send him the deck 📅 2026-11-20

## Log
- 2026-11-01 call: catch-up
"""
JILL = """\
---
name: Jill Moreno
---
## Log
- 2026-11-19 coffee: at Blue Bottle
"""
OMAR = """\
---
name: Omar Haddad
cadence: 3 weeks
---
## Log
- 2026-10-20 call: the move to Lisbon
"""
PRIYA = """\
---
name: Priya Shah
follow_up: 2026-11-24
---
## Log
- 2026-11-10 coffee: the product role
"""
LENA = """\
---
name: Lena Fischer
---
- [ ] send the supply-chain report 📅 2026-11-23
"""


def run(vault: Path, *args: str, today: str = TODAY):
    return CliRunner().invoke(cli, ["--vault", str(vault), *args], env={"NETNOTES_TODAY": today})


def phone_vault(root: Path, radicale: str, password: str = "secret") -> Path:
    (root / "contacts").mkdir(parents=True)
    (root / "netnotes.toml").write_text(
        f'[caldav]\nurl = "{radicale}/me/netnotes/"\nuser = "me"\n'
        f'password_cmd = "echo {password}"\n'
    )
    for name, text in (("sam", SAM), ("jill", JILL), ("omar", OMAR), ("priya", PRIYA),
                       ("lena", LENA)):  # fmt: skip
        (root / "contacts" / f"{name}.md").write_text(text)
    return root


class Phone:
    """The collection as a phone sees it."""

    def __init__(self, radicale: str) -> None:
        import caldav

        self.client = caldav.DAVClient(url=radicale, username="me", password="secret")
        self.calendar = self.client.calendar(url=f"{radicale}/me/netnotes/")

    def todos(self) -> dict[str, object]:
        """Every to-do by its SUMMARY."""
        found = self.calendar.search(todo=True, include_completed=True)
        return {str(todo.icalendar_component["SUMMARY"]): todo for todo in found}

    def shown(self) -> list[tuple[str, str, str, str]]:
        """(summary, DUE, STATUS, alarm) of each to-do, sorted."""
        rows = []
        for summary, todo in self.todos().items():
            component = todo.icalendar_component
            (alarm,) = component.walk("VALARM")
            rows.append((summary, component["DUE"].dt.isoformat(), str(component["STATUS"]),
                         alarm["TRIGGER"].dt.astimezone().strftime("%Y-%m-%d %H:%M")))  # fmt: skip
        return sorted(rows)

    def close(self) -> None:
        self.client.close()


@pytest.fixture
def phone(radicale):
    pytest.importorskip("caldav")
    opened = []

    def open_phone() -> Phone:
        opened.append(Phone(radicale))
        return opened[-1]

    yield open_phone
    for each in opened:
        each.close()


def sent_lines(result) -> list[str]:
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


# -- against Radicale -----------------------------------------------------------------------


def test_every_due_item_is_a_todo_with_an_alarm_and_pushing_twice_changes_nothing(
    tmp_path, radicale, phone
):
    vault = phone_vault(tmp_path / "vault", radicale)
    dry = sent_lines(run(vault, "caldav", "--dry-run"))
    assert dry == [
        "would send: Omar Haddad: keep in touch every 3 weeks; last contact 2026-10-20",
        "would send: Jill Moreno: send a thank-you for the coffee on 2026-11-19: at Blue Bottle",
        "would send: Sam Ortiz: task: send him the deck",
        "would send: Lena Fischer: task: send the supply-chain report",
        "would send: Priya Shah: follow up as planned for 2026-11-24",
    ]
    # The run sends what the dry run said it would, and a dry run sent nothing.
    assert sent_lines(run(vault, "caldav")) == [line.replace("would send", "sent") for line in dry]
    assert phone().shown() == [
        ("Jill Moreno: send a thank-you for the coffee on 2026-11-19: at Blue Bottle",
         "2026-11-20", "NEEDS-ACTION", "2026-11-20 09:00"),
        ("Lena Fischer: task: send the supply-chain report", "2026-11-23", "NEEDS-ACTION",
         "2026-11-23 09:00"),
        ("Omar Haddad: keep in touch every 3 weeks; last contact 2026-10-20", "2026-11-10",
         "NEEDS-ACTION", "2026-11-10 09:00"),
        ("Priya Shah: follow up as planned for 2026-11-24", "2026-11-24", "NEEDS-ACTION",
         "2026-11-24 09:00"),
        ("Sam Ortiz: task: send him the deck", "2026-11-20", "NEEDS-ACTION", "2026-11-20 09:00"),
    ]  # fmt: skip
    todo = phone().todos()["Sam Ortiz: task: send him the deck"].icalendar_component
    assert str(todo["DESCRIPTION"]) == "contacts/sam.md:4"
    assert [str(c) for c in todo["CATEGORIES"].cats] == ["task"]
    again = run(vault, "caldav")
    assert again.exit_code == 0 and again.stdout == ""
    assert again.stderr == "the phone is up to date\n"


def test_what_the_phone_did_comes_back_into_the_notes(tmp_path, radicale, phone):
    vault = phone_vault(tmp_path / "vault", radicale)
    sent_lines(run(vault, "caldav"))
    on_phone = phone().todos()
    ticked = datetime(2026, 11, 21, 12, tzinfo=UTC)
    on_phone["Sam Ortiz: task: send him the deck"].complete(completion_timestamp=ticked)
    thanks = on_phone["Jill Moreno: send a thank-you for the coffee on 2026-11-19: at Blue Bottle"]
    thanks.complete(completion_timestamp=ticked)
    moved = on_phone["Omar Haddad: keep in touch every 3 weeks; last contact 2026-10-20"]
    del moved.icalendar_component["DUE"]
    moved.icalendar_component.add("due", date(2026, 11, 28))
    moved.save()
    on_phone["Priya Shah: follow up as planned for 2026-11-24"].delete()
    priya = todo_uid(Item(ItemKind.FOLLOW_UP, Status.UPCOMING, date(2026, 11, 24), "Priya Shah",
                          "contacts/priya.md", 3, "follow up as planned for 2026-11-24"))  # fmt: skip
    omar = todo_uid(Item(ItemKind.CADENCE, Status.OVERDUE, date(2026, 11, 10), "Omar Haddad",
                         "contacts/omar.md", 4, "keep in touch every 3 weeks; last contact "
                         "2026-10-20"))  # fmt: skip

    back = sent_lines(run(vault, "caldav"))
    assert back == [
        f"netnotes-dismissed.txt: dismissed {priya} (deleted on the phone)",
        "contacts/jill.md: - 2026-11-21 -> thanks: done from the phone",
        "contacts/sam.md: - [x] send him the deck ✅ 2026-11-21",
        "contacts/omar.md: snooze: 2026-11-28 (moved on the phone)",
        f"completed (no longer due): {omar}",
    ]
    assert (vault / "contacts" / "sam.md").read_text() == SAM.replace(
        "- [ ] send him the deck 📅 2026-11-20",
        "- [x] send him the deck 📅 2026-11-20 ✅ 2026-11-21",
    )
    assert (vault / "contacts" / "jill.md").read_text() == JILL.replace(
        "## Log\n", "## Log\n- 2026-11-21 -> thanks: done from the phone\n"
    )  # a log of one entry reads newest first
    assert (vault / "contacts" / "omar.md").read_text() == OMAR.replace(
        "cadence: 3 weeks\n", "cadence: 3 weeks\nsnooze: 2026-11-28\n"
    )
    assert (vault / "contacts" / "priya.md").read_text() == PRIYA
    assert priya in (vault / "netnotes-dismissed.txt").read_text().splitlines()
    # The digest: what was done or moved is gone; a to-do deleted on the phone dismissed
    # that to-do only, not the promise in the note; a thank-you asks for no reply.
    digest = json.loads(run(vault, "digest", "--format", "json").stdout)
    assert [(i["contact"], i["kind"]) for i in digest["items"]] == [
        ("Lena Fischer", "task"), ("Priya Shah", "follow_up")
    ]  # fmt: skip
    assert run(vault, "caldav").stdout == ""  # nothing sent again: Priya's stays dismissed
    # On the day the phone moved it to, Omar's keep-in-touch rings again.
    assert sent_lines(run(vault, "caldav", today="2026-11-28")) == [
        "back on the phone: Omar Haddad: keep in touch every 3 weeks; last contact 2026-10-20",
    ]
    omar_now = phone().todos()["Omar Haddad: keep in touch every 3 weeks; last contact 2026-10-20"]
    assert str(omar_now.icalendar_component["STATUS"]) == "NEEDS-ACTION"
    assert omar_now.icalendar_component["DUE"].dt == date(2026, 11, 28)


def _lena_task() -> Item:
    return Item(ItemKind.TASK, Status.UPCOMING, date(2026, 11, 23), "Lena Fischer",
                "contacts/lena.md", 4, "task: send the supply-chain report")  # fmt: skip


def test_an_item_done_in_the_notes_leaves_the_phone(tmp_path, radicale, phone):
    vault = phone_vault(tmp_path / "vault", radicale)
    sent_lines(run(vault, "caldav"))
    assert run(vault, "done", "lena").exit_code == 0
    assert sent_lines(run(vault, "caldav")) == [
        f"completed (no longer due): {todo_uid(_lena_task())}"
    ]
    lena = phone().todos()["Lena Fischer: task: send the supply-chain report"]
    assert str(lena.icalendar_component["STATUS"]) == "COMPLETED"


def test_a_wrong_password_and_a_stopped_server_are_one_line_each_and_change_nothing(
    tmp_path, radicale
):
    vault = phone_vault(tmp_path / "vault", radicale, password="wrong")
    before = {p.name: p.read_bytes() for p in (vault / "contacts").iterdir()}
    refused = run(vault, "caldav")
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: {radicale}/me/netnotes/: the server refused the user and password "
        "(check [caldav] user and password_cmd)\n"
    )
    stopped = phone_vault(tmp_path / "other", "http://127.0.0.1:9")  # nothing listens on 9
    down = run(stopped, "caldav")
    assert down.exit_code == 1
    assert down.stderr.startswith("Error: http://127.0.0.1:9/me/netnotes/: cannot open the ")
    assert down.stderr.count("\n") == 1
    assert {p.name: p.read_bytes() for p in (vault / "contacts").iterdir()} == before
    assert not (vault / "netnotes-dismissed.txt").exists()


def test_a_change_on_the_server_since_it_was_read_is_never_overwritten(tmp_path, radicale, phone):
    from netnotes.store.todo_server import Conflict, TodoServer

    vault = phone_vault(tmp_path / "vault", radicale)
    sent_lines(run(vault, "caldav"))
    settings = {"url": f"{radicale}/me/netnotes/", "user": "me", "password_cmd": "echo secret"}
    with TodoServer(settings) as server:
        href, etag, data = server.todos()[0]
        (todo,) = [t for t in phone().todos().values() if str(t.url) == href]
        todo.icalendar_component["SUMMARY"] = "edited on the phone"
        todo.save()  # the phone, between netnotes' read and its write
        with pytest.raises(Conflict, match="changed on the server meanwhile"):
            server.replace(href, etag, data.encode())
    assert "edited on the phone" in phone().todos()


def test_two_clones_on_one_collection_make_no_duplicate(tmp_path, radicale, phone):
    one = phone_vault(tmp_path / "one", radicale)
    two = tmp_path / "two"
    shutil.copytree(one, two)  # a clone: the same notes, a cache of its own
    assert len(sent_lines(run(one, "caldav"))) == 5
    assert run(two, "caldav").stdout == ""  # the same UIDs: already there
    deleted = phone().todos()["Sam Ortiz: task: send him the deck"]
    deleted.delete()
    # Both clones saw it; each remembers the deletion, and neither sends it again.
    assert "(deleted on the phone)" in run(one, "caldav").stdout
    assert "(deleted on the phone)" in run(two, "caldav").stdout
    assert run(two, "caldav").stdout == run(one, "caldav").stdout == ""
    assert len(phone().todos()) == 4


# -- the plan, without a server ---------------------------------------------------------------


def _item(kind=ItemKind.TASK, due=date(2026, 11, 20), text="task: x") -> Item:
    return Item(kind, Status.OVERDUE, due, "Sam", "contacts/sam.md", 3, text)


def _todo(item: Item, **changes) -> PhoneTodo:
    values = dict(uid=todo_uid(item), href="h", etag="e", completed=False, completed_on=None,
                  due=item.due, sent_due=item.due, state="", content="same")  # fmt: skip
    return PhoneTodo(**{**values, **changes})


@pytest.mark.parametrize(
    ("changes", "seen", "expected"),
    [
        ({}, False, {}),  # as sent: nothing to do
        ({"content": "old"}, False, {"update": 1}),
        ({"completed": True}, False, {"done": 1}),
        ({"completed": True, "state": "handled"}, False, {}),
        ({"completed": True, "state": "closed"}, False, {"reopen": 1}),
        ({"due": date(2026, 11, 30)}, False, {"moved": 1}),
        ({"due": date(2026, 11, 21)}, False, {}),  # moved, but not past today: no snooze
        (None, False, {"create": 1}),
        (None, True, {"deleted": 1}),
    ],
)
def test_the_plan_of_one_item(changes, seen, expected):
    item = _item()
    server = {} if changes is None else {todo_uid(item): _todo(item, **changes)}
    made = plan([item], server, {todo_uid(item): "same"}, {todo_uid(item)} if seen else set(),
                set(), date(2026, 11, 21))  # fmt: skip
    counts = {name: len(getattr(made, name)) for name in
              ("create", "update", "reopen", "close", "remove", "done", "moved", "deleted")}  # fmt: skip
    assert {name: n for name, n in counts.items() if n} == expected


def test_a_todo_whose_item_left_is_closed_and_a_dismissed_one_is_never_sent():
    gone, dismissed = _item(text="task: gone"), _item(text="task: dismissed")
    server = {todo_uid(gone): _todo(gone), todo_uid(dismissed): _todo(dismissed)}
    made = plan([dismissed], server, {todo_uid(dismissed): "same"}, set(),
                {todo_uid(dismissed)}, date(2026, 11, 21))  # fmt: skip
    assert [t.uid for t in made.close] == [todo_uid(gone)]
    assert [t.uid for t in made.remove] == [todo_uid(dismissed)]
    assert made.create == []


def test_a_reconnect_suggestion_never_goes_to_the_phone():
    suggestion = _item(kind=ItemKind.RECONNECT, text="reconnect")
    assert plan([suggestion], {}, {}, set(), set(), date(2026, 11, 21)).create == []


def test_a_keep_in_touch_item_never_logged_is_one_todo_whatever_the_day():
    monday = _item(kind=ItemKind.CADENCE, due=date(2026, 11, 21), text="keep in touch; never")
    tuesday = _item(kind=ItemKind.CADENCE, due=date(2026, 11, 22), text="keep in touch; never")
    assert todo_uid(monday) == todo_uid(tuesday)
    assert todo_uid(_item(due=date(2026, 11, 21))) != todo_uid(_item(due=date(2026, 11, 22)))


def test_watch_keeps_the_phone_current_without_holding_up_the_digest(tmp_path, radicale, phone):
    import signal

    from .test_watch import DEADLINE, wait_until, watch_command

    vault = phone_vault(tmp_path / "vault", radicale)
    sam = Item(ItemKind.TASK, Status.OVERDUE, date(2026, 11, 20), "Sam Ortiz", "contacts/sam.md",
               4, "task: send him the deck")  # fmt: skip
    with watch_command(vault) as (process, lines, reader):
        wait_until(lambda: "caldav: sent: Sam Ortiz: task: send him the deck\n" in lines,
                   "the to-dos sent by the watcher")  # fmt: skip
        assert "Sam Ortiz: task: send him the deck" in phone().todos()
        # Ticked in an editor: the digest drops it, and the phone's to-do follows.
        (vault / "contacts" / "sam.md").write_text(SAM.replace("- [ ]", "- [x]"))
        done = f"caldav: completed (no longer due): {todo_uid(sam)}\n"
        wait_until(lambda: done in lines, "the to-do completed by the watcher")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=DEADLINE) == 0
        reader.join(DEADLINE)
    todo = phone().todos()["Sam Ortiz: task: send him the deck"].icalendar_component
    assert str(todo["STATUS"]) == "COMPLETED"


def test_a_task_or_a_follow_up_moved_on_the_phone_moves_in_the_note(tmp_path, radicale, phone):
    vault = phone_vault(tmp_path / "vault", radicale)
    sent_lines(run(vault, "caldav"))
    on_phone = phone().todos()
    for summary in ("Sam Ortiz: task: send him the deck",
                    "Priya Shah: follow up as planned for 2026-11-24"):  # fmt: skip
        todo = on_phone[summary]
        del todo.icalendar_component["DUE"]
        todo.icalendar_component.add("due", date(2026, 11, 30))
        todo.save()
    assert sent_lines(run(vault, "caldav"))[:2] == [
        "contacts/sam.md: task 'send him the deck' now due 2026-11-30 (moved on the phone)",
        "contacts/priya.md: follow_up: 2026-11-30 (moved on the phone)",
    ]
    assert (vault / "contacts" / "sam.md").read_text() == SAM.replace("2026-11-20", "2026-11-30")
    assert (vault / "contacts" / "priya.md").read_text() == PRIYA.replace(
        "follow_up: 2026-11-24", "follow_up: 2026-11-30"
    )
