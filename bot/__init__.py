"""The Slack layer: Bolt app, handlers, Block Kit and every word a user reads."""
