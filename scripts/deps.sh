#!/usr/bin/env bash
# The dependency step that `make test` and `make demo` run first.
# C libraries are found with pkg-config; when one is missing and we are root
# with apt-get, the Debian -dev packages are installed, otherwise the exact
# apt-get line is printed and we stop. Node packages install from lockfiles
# (npm ci) into the project, never globally, and only when the lockfile
# changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A deb=(
  [libcurl]=libcurl4-openssl-dev
  [openssl]=libssl-dev
  [libcjson]=libcjson-dev
  [cmocka]=libcmocka-dev
)
missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
for pc in libcurl openssl libcjson cmocka; do
  if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists "$pc"; then
    missing+=("${deb[$pc]}")
  fi
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v aws >/dev/null 2>&1 || missing+=(awscli)
command -v python3 >/dev/null 2>&1 || missing+=(python3)

if ((${#missing[@]})); then
  line="apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends ${missing[*]} >&2
  else
    echo "deps: missing ${missing[*]}; as root run: $line" >&2
    exit 1
  fi
fi

# npm ci into each project folder whose lockfile is newer than its install.
# Two makes at once (a demo beside a test run) must not both run npm ci in
# one folder: the second would delete the tree the first is filling.
exec 9>.deps.lock
flock 9
npm_ci() {
  local dir=$1 stamp=$1/node_modules/.wwseed-lock
  [[ -f $dir/package-lock.json ]] || return 0
  if [[ -f $stamp ]] && cmp -s "$dir/package-lock.json" "$stamp"; then
    return 0
  fi
  echo "deps: npm ci in $dir" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  cp "$dir/package-lock.json" "$stamp"
}
npm_ci .
npm_ci infra-cdk
