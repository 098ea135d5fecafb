"""sqlbot's core: questions in, bounded read-only answers out. No Slack here."""
