"""convo: a chat-style assistant for what-matters conversations in adult social care."""
