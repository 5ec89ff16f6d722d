#!/usr/bin/env bash
# Command 2: install what is missing, build, then run every test: Rust unit and integration
# tests (cargo nextest), then the e2e tests in headless Debian Chromium (Playwright).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_rust_tools
ensure_node_packages
ensure_chromium
if ! cargo nextest --version >/dev/null 2>&1; then
  say "installing cargo-nextest (cargo install --locked)"
  cargo install --locked cargo-nextest
fi
build_all

say "Rust unit and integration tests (cargo nextest)"
cargo nextest run --no-fail-fast

say "e2e tests (Playwright + /usr/bin/chromium)"
export CHATSUPPORT_BIN="$TARGET_DIR/debug/chatsupport"
(cd e2e && npx playwright test)
