"""netnotes: a plain-text, git-friendly personal CRM."""
