# Sourced by the README commands: installs what a fresh machine lacks, and skips what is
# already there at the right version. Each step says what it installs before it starts,
# because some take minutes (wasm-bindgen-cli ~7 min, geckodriver ~4 min).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$HOME/.cargo/bin:$PATH"
# serve's update check would reach out to the registry on every start.
export NO_UPDATE_CHECK=1

note() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The toolchain rust-toolchain.toml names, with the wasm32 target and std's source (build-std).
ensure_rust_wasm() {
  local tc
  tc=$(cd "$ROOT" && rustup show active-toolchain | cut -d' ' -f1)
  rustup target list --installed --toolchain "$tc" | grep -qx wasm32-unknown-unknown \
    || { note "adding the wasm32 target to $tc"; rustup target add wasm32-unknown-unknown --toolchain "$tc"; }
  rustup component list --installed --toolchain "$tc" | grep -q '^rust-src' \
    || { note "adding rust-src to $tc"; rustup component add rust-src --toolchain "$tc"; }
}

# cargo install NAME VERSION [BINARY]: skip when BINARY --version already reports VERSION.
# Runs outside the project so that the machine's default toolchain builds the tool.
ensure_cargo_tool() {
  local name=$1 version=$2 bin=${3:-$1}
  if command -v "$bin" >/dev/null && "$bin" --version 2>/dev/null | grep -qF " $version"; then return; fi
  note "installing $name $version from crates.io (takes minutes, once)"
  (cd / && cargo install "$name" --version "=$version" --force)
}

# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly.
ensure_wasm_bindgen() {
  local version
  version=$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"$/\1/p')
  [ -n "$version" ] || { echo "Cargo.lock names no wasm-bindgen version" >&2; return 1; }
  ensure_cargo_tool wasm-bindgen-cli "$version" wasm-bindgen
}

ensure_node_modules() {
  if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || ! cmp -s <(jq_lock "$ROOT/package-lock.json") <(jq_lock "$ROOT/node_modules/.package-lock.json"); then
    note "installing the npm packages (serve, playwright-core, coi-serviceworker, binaryen, axe-core)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
# The package list of a lockfile, to compare the installed tree with the wanted one.
jq_lock() { node -e 'const l=require(process.argv[1]);const p=l.packages||{};console.log(Object.keys(p).filter(k=>k).sort().map(k=>k+"@"+p[k].version).join("\n"))' "$1"; }

# Debian packages: apt-get install PKG… unless every listed command exists.
ensure_debs() {
  local missing=0 cmd
  for cmd in "$@"; do command -v "${cmd%%=*}" >/dev/null || missing=1; done
  [ $missing = 0 ] && return
  local pkgs=()
  for cmd in "$@"; do pkgs+=("${cmd#*=}"); done
  note "installing Debian packages: ${pkgs[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
}

ensure_browsers() {
  # command=package pairs
  ensure_debs chromium=chromium chromedriver=chromium-driver firefox-esr=firefox-esr
}
