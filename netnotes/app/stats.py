"""`netnotes stats`: the network's health, not just its freshness.

Contacts by state, overall and per tag; outreach and how much of it got an
answer; inbound messages left unanswered; meetings thanked; interactions per
month over two years; ties that went dormant this quarter. The definitions
(docs/practice.md) follow the digest's rules and `core/practice.py`.
"""

from __future__ import annotations

import re
from datetime import date

from netnotes.core.errors import NetnotesError
from netnotes.core.model import Contact, Direction
from netnotes.core.practice import days_said, median_days, outreach, thanks
from netnotes.core.rules import keep_in_touch, last_contact, make_context
from netnotes.store.vault import Vault

STATES = ("on_track", "due", "overdue", "dormant", "never_logged", "snoozed")
MONTHS = 24
_SPARKS = "▁▂▃▄▅▆▇█"


def vault_stats(vault: Vault, today: date, tag: str | None = None) -> dict:
    """`network_stats` of the vault's contacts (those with `tag`, if given), meeting and
    daily notes counted. Each contact's part is kept in the index for the day, as the
    digest's rows are (issue 28: `stats` decoded every contact, 15.6 s at 100,000 notes)."""
    from functools import partial

    from netnotes.core.names import fold
    from netnotes.store.loading import credited_results

    context = make_context(today, vault.config)
    results = credited_results(
        vault, ("stats", today.toordinal(), vault.config), partial(stats_row, context=context),
        tuple,
    )  # fmt: skip
    rows = [row for _, row in results if row[0] is not None]
    if tag:
        wanted = fold(tag.lstrip("#"))
        rows = [row for row in rows if wanted in {fold(t) for t in row[2]}]
    return network_stats(rows, today)


def stats_row(contact: Contact | None, problems, *, context) -> tuple:
    """One contact's part of the stats as plain values (run in the parsing workers): name,
    path, tags, state, outreach (counted, answered, delays), meetings (counted, thanked),
    the day of their unanswered message, gone dormant this quarter, interactions a month."""
    if contact is None or contact.archived:
        return (None,)
    config, today = context.config, context.today
    ours = outreach(contact, config.nudge_after, today)
    meeting = thanks(contact, config.thank_within, today)
    theirs = _inbound(contact, today, config.nudge_after)
    last = last_contact(contact, today)
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    dormant = bool(last and quarter <= config.reconnect_after.after(last) <= today)
    # Months as their number since the first of the 24 (small ints, shared by every row:
    # a month's name in each of 100,000 rows was a fifth of the command's memory).
    first = today.year * 12 + today.month - MONTHS
    monthly: dict[int, int] = {}
    for entry in contact.interactions:
        month = entry.on.year * 12 + entry.on.month - 1 - first
        if 0 <= month < MONTHS and entry.on <= today:
            monthly[month] = monthly.get(month, 0) + 1
    return (
        contact.name, contact.path, tuple(contact.tags), keep_in_touch(contact, context).state,
        ours.counted, len(ours.done), tuple(ours.delays), meeting.counted, len(meeting.done),
        theirs.toordinal() if theirs else None, dormant, tuple(sorted(monthly.items())),
    )  # fmt: skip


def network_stats(rows: list[tuple], today: date) -> dict:
    """The stats document from the contacts' `stats_row`s."""
    states = {state: 0 for state in STATES}
    by_tag: dict[str, dict[str, int]] = {}
    sent = answered = meetings = thanked = 0
    delays: list[int] = []  # the days each answered outreach took, every contact's
    left_unanswered: list[dict] = []
    dormant_now: list[str] = []
    months = _months(today)
    monthly = [0] * MONTHS
    for row in sorted(rows, key=lambda row: (row[0].casefold(), row[1])):
        (name, path, tags, state, counted, done, taken, met, thanked_here, theirs, dormant,
         per_month) = row  # fmt: skip
        states[state] += 1
        for tag in tags:
            counts = by_tag.setdefault(tag.casefold(), {name: 0 for name in STATES})
            counts[state] += 1
        sent += counted
        answered += done
        delays += taken
        meetings += met
        thanked += thanked_here
        if theirs is not None:
            since = date.fromordinal(theirs).isoformat()
            left_unanswered.append({"contact": name, "path": path, "since": since})
        if dormant:
            dormant_now.append(name)
        for month, count in per_month:
            monthly[month] += count
    return {
        "today": today.isoformat(),
        "contacts": len(rows),
        "states": states,
        "tags": dict(sorted(by_tag.items())),
        "outreach": {
            "sent": sent,
            "answered": answered,
            "reply_rate": round(answered / sent, 3) if sent else None,
            "median_reply_days": median_days(delays),
        },
        "unanswered": left_unanswered,
        "thanks_rate": round(thanked / meetings, 3) if meetings else None,
        "meetings": {"counted": meetings, "thanked": thanked},
        "monthly": [
            {"month": month, "interactions": count}
            for month, count in zip(months, monthly, strict=True)
        ],
        "dormant_this_quarter": dormant_now,
    }


def _months(today: date) -> list[str]:
    year, month = today.year, today.month
    found = []
    for _ in range(MONTHS):
        found.append(f"{year:04}-{month:02}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def _inbound(contact: Contact, today: date, nudge_after) -> date | None:
    """The day of their newest message to you still unanswered past `nudge_after`."""
    past = [entry for entry in contact.interactions if entry.on <= today]
    if not past or past[-1].direction is not Direction.IN:
        return None
    return past[-1].on if nudge_after.after(past[-1].on) < today else None


def sparkline(values: list[int]) -> str:
    top = max(values, default=0)
    if not top:
        return _SPARKS[0] * len(values)
    return "".join(_SPARKS[round(value / top * (len(_SPARKS) - 1))] for value in values)


def render_stats(document: dict) -> str:
    def rate(value) -> str:
        return f"{round(value * 100)}%" if value is not None else "n/a"

    states = document["states"]
    lines = [f"Your network on {document['today']}: {document['contacts']} contacts", ""]
    labels = {"on_track": "on track", "due": "due soon", "overdue": "overdue",
              "dormant": "dormant", "never_logged": "never logged",
              "snoozed": "snoozed"}  # fmt: skip
    width = max(len(label) for label in labels.values())
    for state, label in labels.items():
        lines.append(f"  {label.ljust(width)}  {states[state]:>5}")
    out = document["outreach"]
    meetings = document["meetings"]
    lines += [
        "",
        f"Outreach: {out['answered']} of {out['sent']} answered ({rate(out['reply_rate'])})"
        + (f", in {days_said(out['median_reply_days'])} (median)" if out["answered"] else ""),
        f"Thank-yous: {meetings['thanked']} of {meetings['counted']} meetings "
        f"({rate(document['thanks_rate'])})",
    ]
    if document["unanswered"]:
        names = ", ".join(entry["contact"] for entry in document["unanswered"])
        lines.append(f"Waiting for your answer: {names}")
    if document["dormant_this_quarter"]:
        lines.append(f"Gone quiet this quarter: {', '.join(document['dormant_this_quarter'])}")
    counts = [row["interactions"] for row in document["monthly"]]
    first, last = document["monthly"][0]["month"], document["monthly"][-1]["month"]
    lines += ["", f"Interactions a month, {first} to {last}:", f"  {sparkline(counts)}"]
    if document["tags"]:
        lines += ["", "By tag:"]
        tag_width = max(len(tag) for tag in document["tags"])
        for tag, counts_of in document["tags"].items():
            shown = "  ".join(f"{labels[s]} {n}" for s, n in counts_of.items() if n)
            lines.append(f"  {tag.ljust(tag_width)}  {shown}")
    return "\n".join(lines) + "\n"


# -- the HTML page ---------------------------------------------------------------------------

# One colour per chart, so that a screenshot test can find each one drawn.
COLOURS = {"states": "#1f77b4", "monthly": "#ff7f0e", "practice": "#2ca02c"}


def html_report(document: dict) -> str:
    """One self-contained page: the charts as inline SVG (text drawn as paths, so no font
    is needed), no script, nothing loaded from anywhere."""
    from html import escape

    labels = ["on track", "due soon", "overdue", "dormant", "never logged", "snoozed"]
    states = [document["states"][state] for state in STATES]
    months = [row["month"] for row in document["monthly"]]
    counts = [row["interactions"] for row in document["monthly"]]
    out, meetings = document["outreach"], document["meetings"]
    practice = (
        ["outreach answered", "outreach unanswered", "meetings thanked", "not thanked"],
        [
            out["answered"],
            out["sent"] - out["answered"],
            meetings["thanked"],
            meetings["counted"] - meetings["thanked"],
        ],
    )
    charts = [
        ("Contacts by state", _bar_chart(labels, states, COLOURS["states"])),
        ("Interactions a month", _bar_chart(months, counts, COLOURS["monthly"], rotate=True)),
        ("Outreach and thank-yous", _bar_chart(*practice, COLOURS["practice"])),
    ]
    waiting = "".join(
        f"<li>{escape(row['contact'])} (since {row['since']})</li>"
        for row in document["unanswered"]
    )
    quiet = "".join(f"<li>{escape(name)}</li>" for name in document["dormant_this_quarter"])
    sections = "".join(f"<section><h2>{title}</h2>{svg}</section>" for title, svg in charts)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>netnotes: your network on {document['today']}</title>"
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "svg{max-width:100%;height:auto}</style></head><body>"
        f"<h1>Your network on {document['today']}</h1>"
        f"<p>{document['contacts']} contacts. Outreach answered: "
        f"{_percent(out['reply_rate'])}. Meetings thanked: {_percent(document['thanks_rate'])}.</p>"
        f"{sections}"
        f"<h2>Waiting for your answer</h2><ul>{waiting or '<li>nobody</li>'}</ul>"
        f"<h2>Gone quiet this quarter</h2><ul>{quiet or '<li>nobody</li>'}</ul>"
        "</body></html>\n"
    )


def _percent(value) -> str:
    return f"{round(value * 100)}%" if value is not None else "n/a"


def _bar_chart(labels: list[str], values: list[int], colour: str, rotate: bool = False) -> str:
    """A bar chart as an inline <svg> element, drawn by matplotlib; the same data, the
    same bytes (no date, fixed ids)."""
    import io

    try:
        import matplotlib
    except ImportError:
        raise NetnotesError(
            "stats --html draws its charts with matplotlib, which is not installed: "
            "pip install 'netnotes[report]' (or pip install matplotlib) and run it again; "
            "stats without --html needs nothing more"
        ) from None

    matplotlib.use("Agg")
    from matplotlib import pyplot

    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "netnotes"}):
        figure, axes = pyplot.subplots(figsize=(8, 3))
        axes.bar(range(len(values)), values, color=colour)
        axes.set_xticks(range(len(labels)), labels, rotation=90 if rotate else 0, fontsize=8)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
        pyplot.close(figure)
    svg = buffer.getvalue()
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)  # who made it: noise
    return svg[svg.index("<svg") :]
