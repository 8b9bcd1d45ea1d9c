"""End-to-end tests: real programs around convo (a browser, tmux, processes killed mid-write)."""
