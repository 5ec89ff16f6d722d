#!/usr/bin/env bash
# Command 2: install what is missing, build, then run every test: Rust unit and integration
# tests (cargo nextest), then the e2e tests in headless Debian Chromium (Playwright).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_rust_tools
ensure_node_packages
ensure_embedding_model
ensure_chromium
if ! cargo nextest --version >/dev/null 2>&1; then
  say "installing cargo-nextest (cargo install --locked)"
  cargo install --locked cargo-nextest
fi
build_all

say "lints (cargo clippy, warnings are errors; unwrap and dbg! are denied outside tests)"
cargo clippy -p chatsupport -p app -p migrations --all-targets -- -D warnings
cargo fmt --all --check

say "Rust unit and integration tests on SQLite (cargo nextest)"
cargo nextest run --no-fail-fast

say "the integration tests again on PostgreSQL"
start_test_postgres
cargo nextest run -p chatsupport --test api --no-fail-fast

say "e2e tests (Playwright + /usr/bin/chromium)"
export CHATSUPPORT_BIN="$TARGET_DIR/debug/chatsupport"
status=0
(cd e2e && rm -rf test-results && npx playwright test) || status=$?
# One plain closing line for the e2e run ("N passed, N failed"), read from Playwright's JSON.
node -e '
  const fs = require("fs");
  const file = "e2e/test-results/results.json";
  if (!fs.existsSync(file)) { console.log("e2e: 0 passed, 1 failed"); process.exit(0); }
  const s = JSON.parse(fs.readFileSync(file, "utf8")).stats;
  console.log(`e2e: ${s.expected + s.flaky} passed, ${s.unexpected} failed, ${s.skipped} skipped`);
'
exit "$status"
