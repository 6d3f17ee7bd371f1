"""The pure core: the note format, the rules and the renderers.

Bytes in, values out: model, dates, config (from TOML text), the note parser
(front matter, block scanner), the follow-up rules, the renderers, name
lookup. Nothing here touches the file system, SQLite, git, the clock or
Click; every other layer may import it, it imports none of them (checked by
import-linter, see docs/architecture.md).
"""
