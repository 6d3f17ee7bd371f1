"""Git: the merge driver for contact notes and the set-up every clone needs."""
