"""The conversation engine: one Conversation that every face drives, its machine, state and draft."""
