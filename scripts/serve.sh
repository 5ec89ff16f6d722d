#!/usr/bin/env bash
# Command 1: install what is missing, build, and serve on http://127.0.0.1:3000 (SQLite and the
# search index under ./data, demo data on first run). Extra arguments go to `chatsupport`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_rust_tools
ensure_node_packages
ensure_embedding_model
build_all
say "serving (Ctrl-C stops)"
exec "$TARGET_DIR/debug/chatsupport" serve "$@"
