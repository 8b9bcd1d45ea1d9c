"""The terminal app: a thin face over `convo.engine.conversation.Conversation`.

Only modules under `convo.tui` import Textual, and `convo.cli` imports this package only when the app is launched.
"""
