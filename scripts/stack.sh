#!/bin/bash
# stack.sh - starts and stops a private nestegg stack: MariaDB, the page
# workers and nginx, with every file under $NESTEGG_VAR.
#
#   stack.sh start    start what is not running; return once the site answers
#   stack.sh run      start, then stay in the foreground until Ctrl-C,
#                     with the scheduler running the crontab's entries
#                     (fetching every NESTEGG_FETCH_INTERVAL seconds, 60
#                     by default) and, on a new stack, a demo account
#   stack.sh stop     stop every process of this stack (from its pid files)
#   stack.sh status   say what is running
#   stack.sh start-app  start as an application host of a cluster: the
#                     page workers, the live worker, nginx and the
#                     scheduler, against the database nodes that
#                     etc/nestegg.conf names (scripts/cluster.sh)
#
# Environment: NESTEGG_VAR (default var/), NESTEGG_HTTPS_PORT (8443),
# NESTEGG_HTTP_PORT (8080), NESTEGG_LISTEN (127.0.0.1), NESTEGG_WORKERS
# (page worker processes, 2), NESTEGG_THREADS_MIN and NESTEGG_THREADS_MAX
# (threads each, 4 to 16 as requests queue; NESTEGG_THREADS_IDLE, 10,
# seconds an unneeded thread lasts) or NESTEGG_THREADS (a fixed number),
# NESTEGG_LOGIN_RATE (10r/s) and NESTEGG_LOGIN_BURST (20) for nginx's
# limit on /login and /register, NESTEGG_KEEPALIVE (idle FastCGI
# connections nginx keeps per worker; 0, the default, opens one per
# request), NESTEGG_LIVE_PER_ADDR (open /live streams per client address,
# 64) and NESTEGG_LIVE_PER_SESSION (16), NESTEGG_SERVER_NAME (the host
# name the HTTP port redirects to, localhost), NESTEGG_BUILD (build),
# NESTEGG_DB_EXTERNAL (1: start no MariaDB of the stack's own; the
# database is the one etc/nestegg.conf names, its schema already there).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VAR=${NESTEGG_VAR:-$ROOT/var}
mkdir -p "$VAR"
VAR=$(cd "$VAR" && pwd)
export NESTEGG_VAR=$VAR
BUILD=${NESTEGG_BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
HTTPS_PORT=${NESTEGG_HTTPS_PORT:-8443}
HTTP_PORT=${NESTEGG_HTTP_PORT:-8080}
LISTEN=${NESTEGG_LISTEN:-127.0.0.1}
WORKERS=${NESTEGG_WORKERS:-2}
THREADS=${NESTEGG_THREADS:-}
THREADS_MIN=${NESTEGG_THREADS_MIN:-4}
THREADS_MAX=${NESTEGG_THREADS_MAX:-16}
LOGIN_RATE=${NESTEGG_LOGIN_RATE:-10r/s}
LOGIN_BURST=${NESTEGG_LOGIN_BURST:-20}
KEEPALIVE=${NESTEGG_KEEPALIVE:-0}
LIVE_PER_ADDR=${NESTEGG_LIVE_PER_ADDR:-64}
LIVE_PER_SESSION=${NESTEGG_LIVE_PER_SESSION:-16}
SERVER_NAME=${NESTEGG_SERVER_NAME:-localhost}
ME=$(id -un)
# Open streams need open files: as many as the hard limit allows.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

RUN=$VAR/run
LOG=$VAR/log
ETC=$VAR/etc
MYCNF=$ETC/my.cnf

say() { printf 'nestegg: %s\n' "$*"; }
die() { printf 'nestegg: %s\n' "$*" >&2; exit 1; }

# alive PIDFILE: true if the process named in PIDFILE is running (a
# zombie, dead but not yet reaped, is not).
alive() {
	local pid state
	[ -s "$1" ] || return 1
	pid=$(cat "$1")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)
	[ -n "$state" ] && [ "$state" != Z ]
}

# listening SOCKET: true if a process accepts connections on the unix
# socket (curl speaks HTTP to a FastCGI worker, which hangs up: any
# answer but "cannot connect" means it listens).
listening() {
	local rc=0
	curl -s -o /dev/null --max-time 2 --unix-socket "$1" http://worker/ \
		2>/dev/null || rc=$?
	[ -S "$1" ] && [ "$rc" -ne 7 ]
}

# supervised NAME LOG CMD...: runs CMD under nestegg-supervise, which
# starts it again when it dies; $RUN/NAME.pid is the supervisor's,
# $RUN/NAME.worker.pid the current process's.
supervised() {
	local name=$1 log=$2
	shift 2
	setsid "$BUILD/nestegg-supervise" --name "$name" \
		--pidfile "$RUN/$name.worker.pid" -- "$@" \
		< /dev/null >> "$log" 2>&1 &
	echo $! > "$RUN/$name.pid"
}

# stop_pid PIDFILE NAME SECONDS: TERM, wait, then KILL.
stop_pid() {
	local file=$1 name=$2 wait=$3 pid i
	if ! alive "$file"; then
		rm -f "$file"
		return 0
	fi
	pid=$(cat "$file")
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < wait * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "$name did not stop in ${wait}s; killing it"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$file"
	say "stopped $name"
}

sql_admin() {
	mariadb --defaults-file="$MYCNF" -u root "$@"
}

start_mariadb() {
	if alive "$RUN/mariadb.pid"; then
		return 0
	fi
	# Written afresh at each start: the file is this script's.
	cat > "$MYCNF" <<CNF
# MariaDB settings of this nestegg stack: unix socket only, durable
# (every commit flushed and synced, the binary log too, for
# point-in-time recovery from a backup).
[mariadbd]
datadir = $VAR/db
socket = $RUN/mariadb.sock
pid-file = $RUN/mariadb.pid
log-error = $LOG/mariadb.log
skip-networking
skip-name-resolve
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
default-time-zone = '+00:00'
innodb_flush_log_at_trx_commit = 1
innodb_doublewrite = 1
log_bin = $VAR/db/binlog
binlog_format = ROW
binlog_row_image = MINIMAL
binlog_cache_size = 4M
sync_binlog = 1
binlog_expire_logs_seconds = 1209600
innodb_buffer_pool_size = ${NESTEGG_DB_BUFFER_POOL:-256M}
max_connections = 400
max_allowed_packet = 64M

[client]
socket = $RUN/mariadb.sock
CNF
	if [ ! -d "$VAR/db/mysql" ]; then
		say "initialising MariaDB in $VAR/db"
		mariadb-install-db --defaults-file="$MYCNF" --user="$ME" \
			--auth-root-authentication-method=socket \
			--auth-root-socket-user="$ME" --skip-test-db \
			> "$LOG/mariadb-install.log" 2>&1 ||
			die "mariadb-install-db failed; see $LOG/mariadb-install.log"
	fi
	setsid mariadbd --defaults-file="$MYCNF" --user="$ME" \
		< /dev/null >> "$LOG/mariadb.log" 2>&1 &
	local i
	for ((i = 0; i < 600; i++)); do
		if [ -S "$RUN/mariadb.sock" ] && sql_admin -e 'SELECT 1' >/dev/null 2>&1; then
			say "MariaDB is up ($RUN/mariadb.sock)"
			return 0
		fi
		sleep 0.1
	done
	die "MariaDB did not start; see $LOG/mariadb.log"
}

# The web account's password lives in etc/nestegg.conf (mode 600), made
# on first start; the account may only read and write rows.
setup_database() {
	local pw
	if [ ! -f "$ETC/nestegg.conf" ]; then
		pw=$(openssl rand -hex 24)
		umask 077
		cat > "$ETC/nestegg.conf" <<CONF
# nestegg settings of this stack (see lib/config.h); key = value.
db_socket = $RUN/mariadb.sock
db_user = nestegg_web
db_password = $pw
CONF
		umask 022
	fi
	pw=$(sed -n 's/^db_password *= *//p' "$ETC/nestegg.conf")
	sql_admin <<SQL
CREATE DATABASE IF NOT EXISTS nestegg
	CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'nestegg_web'@'localhost' IDENTIFIED BY '$pw';
ALTER USER 'nestegg_web'@'localhost' IDENTIFIED BY '$pw';
GRANT SELECT, INSERT, UPDATE, DELETE ON nestegg.* TO 'nestegg_web'@'localhost';
SQL
	"$BUILD/nestegg" migrate | sed 's/^/nestegg: /'
}

make_certificate() {
	[ -f "$ETC/tls/cert.pem" ] && return 0
	mkdir -p "$ETC/tls"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -days 825 -subj "/CN=localhost" \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		-keyout "$ETC/tls/key.pem" -out "$ETC/tls/cert.pem" 2>/dev/null
	chmod 600 "$ETC/tls/key.pem"
	say "made a self-signed certificate in $ETC/tls"
}

# Each worker runs supervised; a supervisor left from an earlier start
# whose worker does not listen is stopped and started afresh.
start_workers() {
	local i k pool=(--min-threads "$THREADS_MIN" --max-threads "$THREADS_MAX")
	[ -n "$THREADS" ] && pool=(--threads "$THREADS")
	for ((i = 1; i <= WORKERS; i++)); do
		if alive "$RUN/web-$i.pid"; then
			listening "$RUN/web-$i.sock" && continue
			stop_pid "$RUN/web-$i.pid" "page worker web-$i" 15
		fi
		supervised "web-$i" "$LOG/web.log" "$BUILD/nestegg-web" \
			--socket "$RUN/web-$i.sock" "${pool[@]}"
	done
	for ((i = 0; i < 100; i++)); do
		local all=1
		for ((k = 1; k <= WORKERS; k++)); do
			listening "$RUN/web-$k.sock" || all=0
		done
		[ $all -eq 1 ] && break
		sleep 0.05
	done
	for ((k = 1; k <= WORKERS; k++)); do
		listening "$RUN/web-$k.sock" ||
			die "page worker web-$k does not listen; see $LOG/web.log"
	done
	say "$WORKERS page workers with ${THREADS:-$THREADS_MIN to $THREADS_MAX} threads each, supervised"
	start_live
}

# The live worker: GET /live, every open stream in one process.
start_live() {
	local i
	if alive "$RUN/live.pid"; then
		listening "$RUN/live.sock" && return 0
		stop_pid "$RUN/live.pid" "live worker" 10
	fi
	supervised live "$LOG/live.log" "$BUILD/nestegg-live" \
		--socket "$RUN/live.sock"
	for ((i = 0; i < 100; i++)); do
		listening "$RUN/live.sock" && break
		sleep 0.05
	done
	listening "$RUN/live.sock" ||
		die "the live worker does not listen; see $LOG/live.log"
	say "the live worker serves /live, supervised"
}

nginx_config() {
	local upstream="" user="" i
	for ((i = 1; i <= WORKERS; i++)); do
		upstream+="		server unix:$RUN/web-$i.sock max_fails=1 fail_timeout=1s;"$'\n'
	done
	mkdir -p "$VAR/tmp"
	if [ "$(id -u)" -eq 0 ]; then
		# nginx's workers drop to nobody; they must reach the static
		# files and the page workers' sockets.  Where a parent folder
		# keeps nobody out (a checkout under /root), they stay root.
		# run/ (sockets) is open to nginx's group only.
		chmod 755 "$VAR"
		chown root:nogroup "$RUN"
		chmod 750 "$RUN"
		chown nobody "$VAR/tmp"
		if runuser -u nobody -- test -r "$ROOT/htdocs/style.css" &&
		    runuser -u nobody -- test -x "$RUN"; then
			user="user nobody nogroup;"
		else
			user="user root;"
			chmod 700 "$RUN"
			say "nginx workers run as root: user nobody cannot reach $ROOT/htdocs or $RUN"
		fi
	else
		chmod 700 "$RUN"
	fi
	local hx="" sx="" ka="" kc=off
	if [ "$KEEPALIVE" -gt 0 ]; then
		ka="		keepalive $KEEPALIVE;"
		kc=on
		[ $((WORKERS * ${THREADS:-$THREADS_MAX})) -gt $((KEEPALIVE * 2)) ] ||
			die "NESTEGG_KEEPALIVE=$KEEPALIVE needs more than $((KEEPALIVE * 2)) page worker threads in all"
	fi
	[ -n "${NESTEGG_NGINX_HTTP_EXTRA:-}" ] && hx="	include $NESTEGG_NGINX_HTTP_EXTRA;"
	[ -n "${NESTEGG_NGINX_SERVER_EXTRA:-}" ] && sx="		include $NESTEGG_NGINX_SERVER_EXTRA;"
	awk -v up="$upstream" -v user="$user" -v var="$VAR" -v root="$ROOT" \
	    -v hx="$hx" -v sx="$sx" -v ka="$ka" -v kc="$kc" \
	    -v listen="$LISTEN" -v https="$HTTPS_PORT" -v http="$HTTP_PORT" \
	    -v rate="$LOGIN_RATE" -v burst="$LOGIN_BURST" \
	    -v peraddr="$LIVE_PER_ADDR" -v persession="$LIVE_PER_SESSION" \
	    -v name="$SERVER_NAME" '
		/^@UPSTREAM@$/ { printf "%s", up; next }
		/^@USER@$/ { print user; next }
		/^@HTTP_EXTRA@$/ { print hx; next }
		/^@KEEPALIVE@$/ { print ka; next }
		/^@SERVER_EXTRA@$/ { print sx; next }
		{
			gsub(/@VAR@/, var); gsub(/@ROOT@/, root)
			gsub(/@LISTEN@/, listen); gsub(/@HTTPS_PORT@/, https)
			gsub(/@HTTP_PORT@/, http); gsub(/@LOGIN_RATE@/, rate)
			gsub(/@LOGIN_BURST@/, burst); gsub(/@KEEP_CONN@/, kc)
			gsub(/@LIVE_PER_ADDR@/, peraddr)
			gsub(/@LIVE_PER_SESSION@/, persession)
			gsub(/@SERVER_NAME@/, name)
			print
		}' "$ROOT/nginx.conf" > "$ETC/nginx.conf"
}

start_nginx() {
	alive "$RUN/nginx.pid" && return 0
	nginx_config
	nginx -q -t -p "$VAR" -c "$ETC/nginx.conf" -e "$LOG/nginx-error.log" ||
		die "nginx rejected $ETC/nginx.conf"
	nginx -p "$VAR" -c "$ETC/nginx.conf" -e "$LOG/nginx-error.log" ||
		die "nginx did not start; see $LOG/nginx-error.log"
}

wait_site() {
	local i code
	for ((i = 0; i < 300; i++)); do
		code=$(curl -sk -o /dev/null -w '%{http_code}' \
			"https://$LISTEN:$HTTPS_PORT/login" 2>/dev/null || true)
		[ "$code" = 200 ] && return 0
		sleep 0.1
	done
	die "the site did not answer on port $HTTPS_PORT; see $LOG/"
}

do_start() {
	[ -x "$BUILD/nestegg-web" ] || die "$BUILD/nestegg-web is missing; run make"
	mkdir -p "$RUN" "$LOG" "$ETC" "$VAR/tmp"
	if [ "${NESTEGG_DB_EXTERNAL:-0}" != 1 ]; then
		mkdir -p "$VAR/db"
		start_mariadb
		setup_database
	else
		[ -f "$ETC/nestegg.conf" ] || die "NESTEGG_DB_EXTERNAL=1 needs $ETC/nestegg.conf"
	fi
	make_certificate
	start_workers
	start_nginx
	wait_site
	say "nestegg is running at https://$LISTEN:$HTTPS_PORT/"
}

# The scheduler: the crontab's entries on their schedule, fetching more
# often, with the demo account's prices already there at the start.
start_scheduler() {
	alive "$RUN/schedule.pid" && return 0
	export NESTEGG_FETCH_INTERVAL=${NESTEGG_FETCH_INTERVAL:-60}
	"$BUILD/nestegg" demo | sed 's/^/nestegg: /'
	"$BUILD/nestegg" fetch --force --quiet 2>&1 | sed 's/^/nestegg: /' || true
	setsid "$BUILD/nestegg" schedule --every-fetch "$NESTEGG_FETCH_INTERVAL" \
		< /dev/null >> "$LOG/cron.log" 2>&1 &
	echo $! > "$RUN/schedule.pid"
	say "the scheduler runs cron/nestegg.cron, fetching every ${NESTEGG_FETCH_INTERVAL}s (log: $LOG/cron.log)"
}

do_stop() {
	local f
	stop_pid "$RUN/schedule.pid" scheduler 10
	stop_pid "$RUN/nginx.pid" nginx 10
	for f in "$RUN"/web-*.pid; do
		[ -e "$f" ] || continue
		stop_pid "$f" "page worker $(basename "$f" .pid)" 15
	done
	stop_pid "$RUN/live.pid" "live worker" 10
	stop_pid "$RUN/mariadb.pid" MariaDB 60
}

do_status() {
	local f rc=0
	for f in "$RUN"/mariadb.pid "$RUN"/web-*.pid "$RUN"/live.pid "$RUN"/nginx.pid "$RUN"/schedule.pid; do
		[ -e "$f" ] || continue
		if alive "$f"; then
			echo "$(basename "$f" .pid): running (pid $(cat "$f"))"
		else
			echo "$(basename "$f" .pid): not running"
			rc=1
		fi
	done
	return $rc
}

case "${1:-}" in
start)
	do_start
	;;
run)
	trap 'echo; do_stop; exit 0' INT TERM
	do_start
	start_scheduler
	say "press Ctrl-C to stop"
	while alive "$RUN/mariadb.pid" && alive "$RUN/nginx.pid"; do
		sleep 1 &
		wait $! || true
	done
	say "a process of the stack ended; stopping the rest"
	do_stop
	exit 1
	;;
stop)
	do_stop
	;;
status)
	do_status
	;;
start-app)
	do_start
	if ! alive "$RUN/schedule.pid"; then
		setsid "$BUILD/nestegg" schedule --every-fetch "${NESTEGG_FETCH_INTERVAL:-60}" \
			< /dev/null >> "$LOG/cron.log" 2>&1 &
		echo $! > "$RUN/schedule.pid"
		say "the scheduler runs cron/nestegg.cron (log: $LOG/cron.log)"
	fi
	;;
*)
	echo "usage: $0 start|run|stop|status|start-app" >&2
	exit 2
	;;
esac
