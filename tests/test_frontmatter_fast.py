"""The simple front-matter reader (core/frontmatter.simple_front_matter) against the
YAML loader: whatever it reads, it reads exactly as the loader does; what it is not
sure of, it leaves to the loader."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

# -- issue 11: the simple front-matter reader gives exactly what the YAML loader gives ------


def _loaded(text: str):
    from netnotes.core.frontmatter import NoteLoader

    loader = NoteLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


_TRICKY = st.sampled_from(
    ["a", "Z", "0", "1", "9", " ", "  ", ":", ": ", "#", " #", "-", "- ", "?", ",", "[", "]",
     "{", "}", "'", '"', "&", "*", "!", "|", ">", "%", "@", "`", "~", "é", "ß", ".", "/", "+",
     "true", "False", "null", "NULL", "~", "012", "-3", "+4", "1.10", "2026-11-19", "\t"]
)  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["name", "tags", "Company", "a_b", "x-y", "a", "n2", "dup"]),
            st.one_of(
                st.lists(_TRICKY, max_size=6).map("".join),
                st.lists(st.lists(_TRICKY, max_size=4).map("".join), max_size=4).map(
                    lambda items: "[" + ",".join(items) + "]"
                ),
            ),
        ),
        max_size=6,
    )
)
def test_the_simple_front_matter_reader_agrees_with_the_yaml_loader(lines):
    import yaml

    from netnotes.core.frontmatter import simple_front_matter

    text = "".join(f"{key}: {value}\n" for key, value in lines)
    simple = simple_front_matter(text)
    if simple is None:
        return  # the loader decides
    try:
        loaded = _loaded(text)
    except yaml.YAMLError:
        raise AssertionError(f"read as simple, but YAML refuses it: {text!r}") from None
    assert simple == (loaded or {}), text
    assert [type(v) for v in simple.values()] == [type(v) for v in (loaded or {}).values()]


def test_the_notes_people_write_most_take_the_simple_reader():
    import random

    from bench.generate import note
    from netnotes.core.frontmatter import simple_front_matter, split_front_matter

    from .conftest import EXAMPLE_VAULT

    rng = random.Random(5)
    texts = [note(rng, number, 3, broken=number % 50 == 0) for number in range(200)]
    texts += [p.read_text(encoding="utf-8") for p in sorted(EXAMPLE_VAULT.rglob("*.md"))]
    simple = 0
    for text in texts:
        yaml_text = split_front_matter(text).yaml_text
        if yaml_text is None:
            continue  # a daily note
        read = simple_front_matter(yaml_text)
        if read is not None:
            simple += 1
            assert read == _loaded(yaml_text), yaml_text
    assert simple >= 190  # generated notes are simple (one in 500 is broken on purpose)


@pytest.mark.parametrize(
    "value",
    ["012", "-3", "+4", "0", "1.10", "true", "True", "FALSE", "yes", "no", "~", "null", "Null",
     "2026-11-19", "a#b", "a #b", "a:b", "a: b", "http://x.example/a?b=c", "N\x00ul", "tab\there",
     "é ß", "a  b", "[a, b]", "[012, true, ~]", "[]", "[a,]", "[ a , b ]", "O'Brien", "-", "?x",
     "x\u00a0y", "\u2028", "x\x7f"],
)  # fmt: skip
def test_each_tricky_value_is_read_as_the_loader_reads_it_or_left_to_it(value):
    import yaml

    from netnotes.core.frontmatter import simple_front_matter

    text = f"key: {value}\n"
    simple = simple_front_matter(text)
    if simple is None:
        return
    try:
        loaded = _loaded(text)
    except yaml.YAMLError:
        raise AssertionError(f"read as simple, but YAML refuses it: {text!r}") from None
    assert simple == loaded and type(simple["key"]) is type(loaded["key"]), text
