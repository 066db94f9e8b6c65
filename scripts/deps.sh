#!/bin/sh
# deps.sh - installs the Debian packages nestegg needs to build, run and
# test, if any are missing.  As root it runs apt-get; otherwise it prints
# the command to run and fails.
set -eu

PACKAGES="gcc make libc6-dev libfcgi-dev libmariadb-dev clearsilver-dev
libcrypt-dev libssl-dev zlib1g-dev libcmocka-dev libcurl4-openssl-dev
libjson-c-dev libexpat1-dev mariadb-server-core mariadb-client-core mariadb-client
nginx-light openssl
tidy wrk curl python3 ca-certificates chromium apache2
clang libclang-rt-14-dev sqlmap spawn-fcgi multiwatch iproute2
galera-4 mariadb-server rsync"
# Node.js runs the browser tests; any Node.js 18+ will do.
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs npm"
ROOT=$(cd "$(dirname "$0")/.." && pwd)

# e2e_modules: the browser tests' npm packages, from the lock file.
e2e_modules() {
	[ -d "$ROOT/tests/e2e/node_modules/playwright-core" ] && return 0
	echo "Installing the browser tests' npm packages"
	(cd "$ROOT/tests/e2e" && npm ci --no-audit --no-fund --silent)
}

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
if [ -z "$missing" ]; then
	e2e_modules
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "nestegg needs these Debian packages:$missing" >&2
	echo "Install them as root, then run make again:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi

echo "Installing:$missing"
# Packages must not start their own system services (nginx on port 80,
# a system MariaDB): nestegg runs private instances under var/.
policy=/usr/sbin/policy-rc.d
added_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' > "$policy"
	chmod 755 "$policy"
	added_policy=1
fi
cleanup() { if [ "$added_policy" -eq 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
e2e_modules
