#!/usr/bin/env bash
# Drive the real `convo` app in tmux through a short call, quit, resume it, and print each screen.
# Usage: scripts/tmux_demo.sh            (CONVO=/path/to/convo to choose the command; needs tmux)
# Everything happens in a temporary folder with its own CONVO_DB, removed at the end.
set -euo pipefail

CONVO="${CONVO:-$(command -v convo || true)}"
[ -n "$CONVO" ] || { echo "tmux_demo: no convo command found (set CONVO=...)" >&2; exit 2; }
command -v tmux >/dev/null || { echo "tmux_demo: tmux is not installed" >&2; exit 2; }

WORK="$(mktemp -d)"
SESSION="convo-demo-$$"
SOCKET="$WORK/tmux.sock"
export CONVO_DB="$WORK/demo.db"
cleanup() { tmux -S "$SOCKET" kill-server 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

t() { tmux -S "$SOCKET" "$@"; }

screen() {  # print the pane under a heading
    echo "==================== $1 ===================="
    t capture-pane -p -t "$SESSION"
}

wait_gone() {  # wait (up to 5 s) until the pane no longer shows the text (the app has quit)
    for _ in $(seq 1 50); do
        t capture-pane -p -t "$SESSION" | grep -qF -- "$1" || return 0
        sleep 0.1
    done
}

wait_for() {  # wait (up to 30 s) until the pane shows the text
    local text="$1"
    for _ in $(seq 1 300); do
        if t capture-pane -p -t "$SESSION" | grep -qF -- "$text"; then return 0; fi
        sleep 0.1
    done
    screen "TIMED OUT waiting for: $text"
    exit 1
}

say() {  # type a line literally, then Enter
    t send-keys -t "$SESSION" -l -- "$1"
    t send-keys -t "$SESSION" Enter
}

launch() {
    t new-session -d -s "$SESSION" -x 100 -y 30 \
        "cd '$WORK' && TERM=xterm-256color CONVO_DB='$CONVO_DB' '$CONVO' $*; sleep 30"
}

launch
wait_for "Start a new conversation"
screen "1. Home"

t send-keys -t "$SESSION" Enter
wait_for "Hoffech chi gael y sgwrs hon yn Gymraeg"
# The offer of Welsh and the opening questions (consent, language...) are passed with Enter.
for _ in 1 2 3 4 5 6 7 8 9 10; do
    t capture-pane -t "$SESSION" -p | grep -q "Who are you talking with today" && break
    t send-keys -t "$SESSION" Enter
    sleep 0.6
done
wait_for "Who are you talking with today"
say "Ann, 82, called about getting out"
wait_for "recorded as about"
say ""
wait_for "Start with what's going well"
say "She loves her garden"
wait_for "recorded as strength"
screen "2. A call under way"

t send-keys -t "$SESSION" C-q
wait_gone "Call time"
ID="$(CONVO_DB="$CONVO_DB" "$CONVO" list | cut -f1 | head -1)"
t kill-server 2>/dev/null || true
SOCKET="$WORK/tmux-resume.sock"  # a fresh tmux server, so the old one's shutdown cannot race the new one

launch resume "$ID"
wait_for "Ann, 82, called about getting out"
wait_for "Anything else that's going well"
wait_for "Call time"
screen "3. Resumed $ID: the history and the same question"
t send-keys -t "$SESSION" C-q
wait_gone "Call time"
echo "Done: conversation $ID was saved, resumed and left where it stopped."
