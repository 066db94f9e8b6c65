#!/bin/bash
# cluster.sh - a nestegg cluster on one machine, for tests and for trying
# the topology of real machines: three MariaDB Galera nodes (db1..db3),
# application hosts (app1, app2: page workers, the live worker and the
# scheduler each, behind their own nginx) and one front nginx balancing
# over the application hosts.  Every file is under $NESTEGG_VAR/cluster/.
#
#   cluster.sh up             start what is not running; print the front's
#                             address once every node is healthy
#   cluster.sh down           stop all of it
#   cluster.sh kill NODE      SIGKILL every process of NODE (db2, app1, front)
#   cluster.sh start NODE     start NODE again (a database node rejoins
#                             from its recovered position)
#   cluster.sh add-app        start one more application host, then put it
#                             in the front's upstream
#   cluster.sh remove-app NODE  take NODE out of the upstream, let its
#                             requests finish, then stop it
#   cluster.sh status         each node's state, one line each
#   cluster.sh env NODE       the shell settings that reach NODE
#                             (NESTEGG_VAR=...), for build/nestegg
#
# Each node has its own loopback address: db I listens on 127.0.10.I, app
# J on 127.0.20.J, the front on NESTEGG_LISTEN (127.0.0.1) with
# NESTEGG_HTTPS_PORT and NESTEGG_HTTP_PORT.  The nodes' ports start at
# NESTEGG_CLUSTER_BASE (by default from the HTTPS port), so two clusters
# with different NESTEGG_VAR and ports run side by side:
#   db I:  SQL BASE+I, Galera BASE+10+I, IST BASE+20+I, SST BASE+30+I
#   app J: HTTPS BASE+40+J, HTTP BASE+50+J
#
# A process belongs to a node when its environment holds
# NESTEGG_CLUSTER_NODE=<that node's folder> (or it descends from one that
# does): that is what kill finds.  The database nodes run mariadbd as
# user mysql (rsync state transfer drops privileges to it).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VAR=${NESTEGG_VAR:-$ROOT/var}
mkdir -p "$VAR"
VAR=$(cd "$VAR" && pwd)
C=$VAR/cluster
BUILD=${NESTEGG_BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
HTTPS_PORT=${NESTEGG_HTTPS_PORT:-8443}
HTTP_PORT=${NESTEGG_HTTP_PORT:-8080}
LISTEN=${NESTEGG_LISTEN:-127.0.0.1}
DBS=3
GALERA=/usr/lib/galera/libgalera_smm.so
FETCH_INTERVAL=${NESTEGG_FETCH_INTERVAL:-60}

say() { printf 'cluster: %s\n' "$*"; }
die() { printf 'cluster: %s\n' "$*" >&2; exit 1; }

mkdir -p "$C"
# The ports are chosen once, at the cluster's first start.
if [ ! -f "$C/ports" ]; then
	base=${NESTEGG_CLUSTER_BASE:-$((20000 + (HTTPS_PORT % 600) * 64))}
	printf 'BASE=%s\nHTTPS_PORT=%s\nHTTP_PORT=%s\nLISTEN=%s\n' \
		"$base" "$HTTPS_PORT" "$HTTP_PORT" "$LISTEN" > "$C/ports"
fi
# shellcheck disable=SC1091
. "$C/ports"

db_addr() { echo "127.0.10.$1"; }
db_port() { echo $((BASE + $1)); }
gcomm_port() { echo $((BASE + 10 + $1)); }
app_addr() { echo "127.0.20.$1"; }
app_https() { echo $((BASE + 40 + $1)); }
app_http() { echo $((BASE + 50 + $1)); }

# The application hosts in the cluster, by number (one folder each).
apps() {
	local d
	for d in "$C"/app[0-9]*; do
		[ -d "$d" ] && [ ! -e "$d/removed" ] && echo "${d##*/app}"
	done | sort -n
}

# pid_alive PIDFILE
pid_alive() {
	local pid
	[ -s "$1" ] || return 1
	pid=$(cat "$1")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
		[ "$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)" != Z ]
}

# node_pids NODE: every process of the node: those whose environment
# names its folder, those in its pid files, and their descendants.
node_pids() {
	local dir=$C/$1 p f
	local -A mine=()
	for p in $(grep -lzx "NESTEGG_CLUSTER_NODE=$dir" /proc/[0-9]*/environ 2>/dev/null); do
		p=${p#/proc/}
		mine[${p%/environ}]=1
	done
	for f in "$dir"/*.pid "$dir"/run/*.pid; do
		[ -s "$f" ] || continue
		p=$(cat "$f")
		[ -n "$p" ] && [ -d "/proc/$p" ] && mine[$p]=1
	done
	# Descendants, until none is added.
	local added=1 child parent
	local -a table
	mapfile -t table < <(ps -e -o pid=,ppid=)
	while [ $added -eq 1 ]; do
		added=0
		for p in "${table[@]}"; do
			read -r child parent <<< "$p"
			if [ -z "${mine[$child]:-}" ] && [ -n "${mine[$parent]:-}" ]; then
				mine[$child]=1
				added=1
			fi
		done
	done
	[ "${#mine[@]}" -gt 0 ] && printf '%s\n' "${!mine[@]}"
	return 0
}

sql_node() {
	local i=$1
	shift
	mariadb --no-defaults -u root --socket="$C/db$i/mariadb.sock" \
		--connect-timeout=2 -N -B "$@"
}

# db_state I: the node's wsrep_local_state (4 is Synced), or nothing.
db_state() {
	sql_node "$1" -e "SHOW GLOBAL STATUS LIKE 'wsrep_local_state'" \
		2>/dev/null | awk '{print $2}'
}

db_primary() {
	[ "$(sql_node "$1" -e "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_status'" \
		2>/dev/null | awk '{print $2}')" = Primary ]
}

db_alive() { pid_alive "$C/db$1/mariadb.pid" || [ -n "$(node_pids "db$1")" ]; }

db_config() {
	local i=$1 k peers="" d=$C/db$1
	for ((k = 1; k <= DBS; k++)); do
		peers+="${peers:+,}$(db_addr "$k"):$(gcomm_port "$k")"
	done
	mkdir -p "$d/data" "$d/tmp"
	cat > "$d/my.cnf" <<CNF
# Galera node db$i of the nestegg cluster in $C (written by
# scripts/cluster.sh at each start).
[mariadbd]
datadir = $d/data
tmpdir = $d/tmp
socket = $d/mariadb.sock
pid-file = $d/mariadb.pid
log-error = $d/mariadb.log
bind-address = $(db_addr "$i")
port = $(db_port "$i")
skip-name-resolve
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
default-time-zone = '+00:00'
innodb_buffer_pool_size = ${NESTEGG_DB_BUFFER_POOL:-64M}
innodb_flush_log_at_trx_commit = 1
innodb_autoinc_lock_mode = 2
binlog_format = ROW
log_bin = $d/data/binlog
log_slave_updates = ON
binlog_expire_logs_seconds = 86400
max_connections = 400
max_allowed_packet = 64M
wsrep_on = ON
wsrep_provider = $GALERA
wsrep_cluster_name = nestegg-$BASE
wsrep_cluster_address = gcomm://$peers
wsrep_node_name = db$i
wsrep_node_address = $(db_addr "$i"):$(gcomm_port "$i")
wsrep_node_incoming_address = $(db_addr "$i"):$(db_port "$i")
wsrep_sst_method = rsync
wsrep_sst_receive_address = $(db_addr "$i"):$((BASE + 30 + i))
wsrep_slave_threads = 2
# Reads wait until the node has applied what the cluster committed before
# them: a session made through one host is known at once on every other.
wsrep_sync_wait = 1
wsrep_provider_options = "gmcast.listen_addr=tcp://$(db_addr "$i"):$(gcomm_port "$i");ist.recv_addr=$(db_addr "$i"):$((BASE + 20 + i));evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S;gcache.size=256M;pc.recovery=TRUE"

[client]
socket = $d/mariadb.sock
CNF
	chown -R mysql:mysql "$d"
}

# The recovered position (uuid:seqno) of a stopped node, or nothing.
db_recover() {
	local d=$C/db$1 log
	[ -d "$d/data/mysql" ] || return 0
	log=$d/recover.log
	runuser -u mysql -- mariadbd --defaults-file="$d/my.cnf" \
		--wsrep-recover --log-error="$log" >/dev/null 2>&1 || true
	sed -n 's/.*WSREP: Recovered position: *\([^ ]*\).*/\1/p' "$log" 2>/dev/null | tail -1
	rm -f "$log"
}

# db_launch I [ARGS...]: starts mariadbd of node I in the background.
db_launch() {
	local i=$1 d=$C/db$1
	shift
	rm -f "$d/mariadb.sock"
	NESTEGG_CLUSTER_NODE=$d setsid mariadbd --defaults-file="$d/my.cnf" \
		--user=mysql "$@" < /dev/null >> "$d/mariadb.log" 2>&1 &
}

# wait_synced I SECONDS
wait_synced() {
	local i=$1 t
	for ((t = 0; t < $2 * 5; t++)); do
		[ "$(db_state "$i")" = 4 ] && db_primary "$i" && return 0
		db_alive "$i" || return 1
		sleep 0.2
	done
	return 1
}

# A node of a running cluster starts from its recovered position and
# catches up (IST), or takes a whole copy (SST) when it has no data.
db_start() {
	local i=$1 pos
	db_alive "$i" && return 0
	db_config "$i"
	if [ -d "$C/db$i/data/mysql" ]; then
		pos=$(db_recover "$i")
		if [ -n "$pos" ]; then
			db_launch "$i" --wsrep-start-position="$pos"
		else
			db_launch "$i"
		fi
	else
		db_launch "$i"
	fi
}

synced_nodes() {
	local k
	for ((k = 1; k <= DBS; k++)); do
		[ "$(db_state "$k")" = 4 ] && db_primary "$k" && echo "$k"
	done
	return 0
}

# The first start: db1 makes the cluster (--wsrep-new-cluster), the
# others join it with a copy of its data.
db_bootstrap_new() {
	local d=$C/db1
	db_config 1
	say "initialising db1 in $d/data"
	mariadb-install-db --defaults-file="$d/my.cnf" --user=mysql \
		--auth-root-authentication-method=socket --skip-test-db \
		> "$d/install.log" 2>&1 ||
		die "mariadb-install-db failed; see $d/install.log"
	db_launch 1 --wsrep-new-cluster
	wait_synced 1 120 || die "db1 did not start; see $d/mariadb.log"
	say "db1 made the cluster"
}

# Every database node was down: they start together from their recovered
# positions and Galera forms the primary component again by itself
# (pc.recovery); if it does not within a minute, the most advanced node
# (highest recovered seqno, or safe_to_bootstrap) makes it anew.
db_reform() {
	local k pos best=0 bestseq=-1 seq t
	local -a positions
	for ((k = 1; k <= DBS; k++)); do
		db_config "$k"
		positions[k]=$(db_recover "$k")
		seq=${positions[k]##*:}
		[ -n "$seq" ] || seq=-1
		if [ "$seq" -gt "$bestseq" ] ||
		    grep -q '^safe_to_bootstrap: *1' "$C/db$k/data/grastate.dat" 2>/dev/null && [ "$seq" -ge "$bestseq" ]; then
			best=$k
			bestseq=$seq
		fi
	done
	say "recovered positions: ${positions[*]:1}; most advanced: db$best"
	# Stopped in order (make cluster-down): the last to stop says it is
	# safe to make the cluster from, and the others join it.
	for ((k = 1; k <= DBS; k++)); do
		if grep -q '^safe_to_bootstrap: *1' "$C/db$k/data/grastate.dat" 2>/dev/null; then
			say "db$k stopped last: it makes the cluster again"
			db_launch "$k" --wsrep-new-cluster
			wait_synced "$k" 120 || die "db$k did not start; see $C/db$k/mariadb.log"
			for ((t = 1; t <= DBS; t++)); do
				[ "$t" -eq "$k" ] || db_start "$t"
			done
			return 0
		fi
	done
	for ((k = 1; k <= DBS; k++)); do
		if [ -n "${positions[k]}" ]; then
			db_launch "$k" --wsrep-start-position="${positions[k]}"
		else
			db_launch "$k"
		fi
	done
	local until=$((SECONDS + 60))
	while [ $SECONDS -lt $until ]; do
		[ -n "$(synced_nodes)" ] && { say "the cluster formed again by itself"; return 0; }
		sleep 0.5
	done
	say "no primary component after a minute: db$best makes it anew"
	for ((k = 1; k <= DBS; k++)); do
		node_kill "db$k" quiet
	done
	sed -i 's/^safe_to_bootstrap:.*/safe_to_bootstrap: 1/' "$C/db$best/data/grastate.dat"
	db_launch "$best" --wsrep-new-cluster --wsrep-start-position="${positions[best]}"
	wait_synced "$best" 120 || die "db$best did not start; see $C/db$best/mariadb.log"
	for ((k = 1; k <= DBS; k++)); do
		[ "$k" -eq "$best" ] || db_start "$k"
	done
}

# Accounts and schema, once the cluster has a synced node: the web
# account (rows only) and the jobs' account, both from the application
# hosts' addresses; then the migrations, through app1's settings.
db_setup() {
	local k=$1 webpw adminpw
	[ -f "$C/secrets" ] || {
		umask 077
		printf 'WEB_PW=%s\nADMIN_PW=%s\n' "$(openssl rand -hex 24)" \
			"$(openssl rand -hex 24)" > "$C/secrets"
		umask 022
	}
	# shellcheck disable=SC1091
	. "$C/secrets"
	sql_node "$k" <<SQL
CREATE DATABASE IF NOT EXISTS nestegg
	CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'nestegg_web'@'127.%' IDENTIFIED BY '$WEB_PW';
GRANT SELECT, INSERT, UPDATE, DELETE ON nestegg.* TO 'nestegg_web'@'127.%';
CREATE USER IF NOT EXISTS 'nestegg_admin'@'127.%' IDENTIFIED BY '$ADMIN_PW';
GRANT ALL PRIVILEGES ON nestegg.* TO 'nestegg_admin'@'127.%';
GRANT PROCESS, RELOAD, BINLOG MONITOR, SLAVE MONITOR ON *.* TO 'nestegg_admin'@'127.%';
SQL
}

# The settings of application host J: every database node, in the same
# order on every host, so that every host writes to one node while it
# lives (no certification conflicts between hosts, and a retry finds the
# key of a request whose host died on the node that knows its
# connection), and all move to the next together.
app_config() {
	local j=$1 d=$C/app$1 k n nodes=""
	# shellcheck disable=SC1091
	. "$C/secrets"
	mkdir -p "$d/etc" "$d/run" "$d/log" "$d/tmp"
	for ((n = 0; n < DBS; n++)); do
		k=$((n + 1))
		nodes+="${nodes:+, }$(db_addr "$k"):$(db_port "$k")"
	done
	umask 077
	{
		echo "# nestegg settings of application host app$j (scripts/cluster.sh)."
		echo "db_nodes = $nodes"
		echo "db_socket ="
		echo "db_user = nestegg_web"
		echo "db_password = $WEB_PW"
		echo "admin_user = nestegg_admin"
		echo "admin_password = $ADMIN_PW"
		echo "fetch_interval = $FETCH_INTERVAL"
		# Settings for every host (make failover's price source).
		[ -f "$C/extra.conf" ] && cat "$C/extra.conf"
		true
	} > "$d/etc/nestegg.conf"
	umask 022
	# The front is the only client of this host's nginx: the address it
	# forwards is the client's.
	cat > "$d/etc/realip.conf" <<CONF
set_real_ip_from 127.0.0.1;
set_real_ip_from $LISTEN;
real_ip_header X-Forwarded-For;
CONF
	[ -f "$d/etc/tls/cert.pem" ] || { mkdir -p "$d/etc/tls"; cp "$C/front/tls/"*.pem "$d/etc/tls/"; }
}

app_env() {
	local j=$1
	echo "NESTEGG_VAR=$C/app$j NESTEGG_CLUSTER_NODE=$C/app$j NESTEGG_DB_EXTERNAL=1" \
		"NESTEGG_LISTEN=$(app_addr "$j") NESTEGG_HTTPS_PORT=$(app_https "$j")" \
		"NESTEGG_HTTP_PORT=$(app_http "$j") NESTEGG_NGINX_HTTP_EXTRA=$C/app$j/etc/realip.conf"
}

app_alive() { pid_alive "$C/app$1/run/nginx.pid"; }

app_start() {
	local j=$1
	rm -f "$C/app$j/removed"
	app_config "$j"
	# shellcheck disable=SC2046
	env $(app_env "$j") NESTEGG_BUILD="$BUILD" \
		NESTEGG_LIVE_PER_ADDR="${NESTEGG_LIVE_PER_ADDR:-1000}" \
		NESTEGG_LOGIN_RATE="${NESTEGG_LOGIN_RATE:-10r/s}" \
		NESTEGG_FETCH_INTERVAL="$FETCH_INTERVAL" \
		"$ROOT/scripts/stack.sh" start-app 2>&1 | sed "s/^nestegg:/app$j:/"
}

app_stop() {
	local j=$1
	# shellcheck disable=SC2046
	env $(app_env "$j") "$ROOT/scripts/stack.sh" stop 2>&1 | sed "s/^nestegg:/app$j:/"
}

front_config() {
	local d=$C/front j up=""
	mkdir -p "$d/log" "$d/tmp" "$d/tls"
	for j in $(apps); do
		up+="		server $(app_addr "$j"):$(app_https "$j") max_fails=1 fail_timeout=3s;"$'\n'
	done
	[ -n "$up" ] || up="		server 127.0.0.1:1 down;"$'\n'
	cat > "$d/nginx.conf" <<CONF
# The front of the nestegg cluster in $C (scripts/cluster.sh): TLS, then
# each request to an application host's nginx.  A host that fails is
# passed over for 3 s; a request it did not answer goes to the next,
# once; a write goes again only when it carries an Idempotency-Key (the
# host that gets it again answers as the first did, or carries it out).
worker_processes 2;
pid $d/nginx.pid;
error_log $d/log/error.log warn;
worker_rlimit_nofile 65536;
worker_shutdown_timeout 10s;
events { worker_connections 16384; }
http {
	access_log $d/log/access.log combined buffer=64k flush=1s;
	client_body_temp_path $d/tmp/body;
	proxy_temp_path $d/tmp/proxy;
	fastcgi_temp_path $d/tmp/fastcgi;
	uwsgi_temp_path $d/tmp/uwsgi;
	scgi_temp_path $d/tmp/scgi;
	client_max_body_size 18m;
	server_tokens off;

	upstream nestegg_apps {
$up		keepalive 32;
	}

	server {
		listen $LISTEN:$HTTP_PORT;
		return 301 https://\$host:$HTTPS_PORT\$request_uri;
	}

	server {
		listen $LISTEN:$HTTPS_PORT ssl http2;
		ssl_certificate $d/tls/cert.pem;
		ssl_certificate_key $d/tls/key.pem;
		ssl_protocols TLSv1.2 TLSv1.3;

		proxy_http_version 1.1;
		proxy_set_header Connection "";
		proxy_set_header Host \$http_host;
		proxy_set_header X-Forwarded-For \$remote_addr;
		proxy_set_header X-Forwarded-Proto https;
		proxy_ssl_server_name off;
		proxy_ssl_session_reuse on;
		proxy_connect_timeout 2s;
		proxy_read_timeout 60s;
		# Not on 503: a host answers it when the database is briefly
		# away, which is no fault of the host (and it has already
		# tried the next database node itself).
		proxy_next_upstream error timeout http_502 http_504;
		proxy_next_upstream_tries 2;

		location / {
			if (\$http_idempotency_key) {
				rewrite ^ /@idem\$uri last;
			}
			proxy_pass https://nestegg_apps;
		}

		location ^~ /@idem/ {
			internal;
			rewrite ^/@idem(.*)\$ \$1 break;
			proxy_pass https://nestegg_apps;
			proxy_next_upstream error timeout http_502 http_504 non_idempotent;
		}

		location = /live {
			proxy_pass https://nestegg_apps;
			proxy_buffering off;
			proxy_read_timeout 1h;
			proxy_send_timeout 1h;
		}
	}
}
CONF
	if [ ! -f "$d/tls/cert.pem" ]; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
			-nodes -days 825 -subj "/CN=localhost" \
			-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
			-keyout "$d/tls/key.pem" -out "$d/tls/cert.pem" 2>/dev/null
		chmod 600 "$d/tls/key.pem"
	fi
}

front_start() {
	local d=$C/front
	[ -f "$d/nginx.conf" ] && cp "$d/nginx.conf" "$d/nginx.conf.was"
	front_config
	if pid_alive "$d/nginx.pid"; then
		# The same upstream: no reload (a reload closes the clients'
		# idle kept-alive connections and ends the streams).
		cmp -s "$d/nginx.conf" "$d/nginx.conf.was" && return 0
		nginx -q -t -p "$d" -c "$d/nginx.conf" -e "$d/log/error.log" ||
			die "nginx rejected $d/nginx.conf"
		nginx -p "$d" -c "$d/nginx.conf" -e "$d/log/error.log" -s reload
		return 0
	fi
	NESTEGG_CLUSTER_NODE=$d nginx -p "$d" -c "$d/nginx.conf" -e "$d/log/error.log" ||
		die "the front nginx did not start; see $d/log/error.log"
}

wait_front() {
	local t code
	for ((t = 0; t < 300; t++)); do
		code=$(curl -sk -o /dev/null -w '%{http_code}' \
			"https://$LISTEN:$HTTPS_PORT/login" 2>/dev/null || true)
		[ "$code" = 200 ] && return 0
		sleep 0.1
	done
	die "the front did not answer on port $HTTPS_PORT; see $C/front/log/"
}

# node_kill NODE [quiet]: SIGKILL to every process of NODE.
node_kill() {
	local pids
	pids=$(node_pids "$1")
	if [ -n "$pids" ]; then
		# Stopped first, every one: a parent that saw a child die
		# before its own SIGKILL came (nginx's master) would start
		# another.
		# shellcheck disable=SC2086
		kill -STOP $pids 2>/dev/null || true
		# shellcheck disable=SC2086
		kill -KILL $pids 2>/dev/null || true
	fi
	[ "${2:-}" = quiet ] || say "killed $1 ($(echo $pids | wc -w) processes)"
	local t
	for ((t = 0; t < 50; t++)); do
		[ -z "$(node_pids "$1")" ] && return 0
		sleep 0.1
	done
}

need_galera() {
	[ -f "$GALERA" ] || die "$GALERA is missing (Debian's galera-4; run make deps)"
	command -v wsrep_sst_rsync >/dev/null || die "wsrep_sst_rsync is missing (Debian's mariadb-server; run make deps)"
	id mysql >/dev/null 2>&1 || die "user mysql is missing (Debian's mariadb-server makes it)"
	[ "$(id -u)" -eq 0 ] || die "the test cluster starts mariadbd as user mysql: run it as root"
	runuser -u mysql -- test -x "$C" ||
		die "user mysql cannot reach $C: a parent folder keeps it out"
}

do_up() {
	local k j synced
	need_galera
	[ -x "$BUILD/nestegg-web" ] || die "$BUILD/nestegg-web is missing; run make"
	chmod 755 "$C"
	# The database tier.
	synced=$(synced_nodes)
	if [ -z "$synced" ]; then
		local any=0
		for ((k = 1; k <= DBS; k++)); do
			db_alive "$k" && any=1
		done
		if [ ! -d "$C/db1/data/mysql" ]; then
			db_bootstrap_new
		elif [ $any -eq 0 ]; then
			db_reform
		fi
	fi
	for ((k = 1; k <= DBS; k++)); do
		db_start "$k"
	done
	for ((k = 1; k <= DBS; k++)); do
		wait_synced "$k" 180 || die "db$k did not join; see $C/db$k/mariadb.log"
	done
	say "database nodes synced: $(synced_nodes | sed 's/^/db/' | tr '\n' ' ')"
	db_setup "$(synced_nodes | head -1)"
	# The front's certificate first: the hosts take a copy.
	front_config
	[ -n "$(apps)" ] || mkdir -p "$C/app1" "$C/app2"
	local first=1
	for j in $(apps); do
		app_config "$j"
		if [ $first -eq 1 ]; then
			# shellcheck disable=SC2046
			env $(app_env "$j") NESTEGG_BUILD="$BUILD" "$BUILD/nestegg" migrate |
				sed 's/^/cluster: /'
			first=0
		fi
		app_alive "$j" || app_start "$j"
	done
	front_start
	wait_front
	say "nestegg cluster: $DBS database nodes, $(apps | wc -l) application hosts"
	echo "https://$LISTEN:$HTTPS_PORT/"
}

do_down() {
	local j k
	if pid_alive "$C/front/nginx.pid"; then
		nginx -p "$C/front" -c "$C/front/nginx.conf" -s quit 2>/dev/null || true
		for ((k = 0; k < 100; k++)); do
			pid_alive "$C/front/nginx.pid" || break
			sleep 0.1
		done
		say "stopped the front"
	fi
	node_kill front quiet
	for j in $(apps); do
		app_stop "$j"
		node_kill "app$j" quiet
	done
	# One at a time, db1 last: it is the one safe to make the cluster
	# from at the next start (safe_to_bootstrap).
	for ((k = DBS; k >= 1; k--)); do
		local t
		if pid_alive "$C/db$k/mariadb.pid"; then
			kill -TERM "$(cat "$C/db$k/mariadb.pid")" 2>/dev/null || true
		fi
		for ((t = 0; t < 600; t++)); do
			db_alive "$k" || break
			sleep 0.1
		done
		db_alive "$k" && node_kill "db$k"
		[ -d "$C/db$k" ] && say "stopped db$k"
	done
	return 0
}

do_start() {
	local node=$1 i
	case "$node" in
	db[0-9])
		i=${node#db}
		local others=0 k
		for ((k = 1; k <= DBS; k++)); do
			[ "$k" -ne "$i" ] && db_alive "$k" && others=1
		done
		db_start "$i"
		if [ $others -eq 1 ] && [ -n "$(synced_nodes)" ]; then
			wait_synced "$i" 180 || die "$node did not join; see $C/$node/mariadb.log"
			say "$node is synced"
		else
			say "$node started; it waits for the rest of its primary component"
		fi
		;;
	app[0-9]*)
		i=${node#app}
		app_start "$i"
		front_start
		say "$node is up"
		;;
	front)
		front_start
		wait_front
		say "front is up"
		;;
	*) die "no such node: $node (db1..db$DBS, app1.., front)" ;;
	esac
}

do_status() {
	local k j
	for ((k = 1; k <= DBS; k++)); do
		if db_alive "$k"; then
			echo "db$k: running, wsrep_local_state $(db_state "$k" || true)"
		else
			echo "db$k: not running"
		fi
	done
	for j in $(apps); do
		if app_alive "$j"; then
			echo "app$j: running at https://$(app_addr "$j"):$(app_https "$j")/"
		else
			echo "app$j: not running"
		fi
	done
	if pid_alive "$C/front/nginx.pid"; then
		echo "front: running at https://$LISTEN:$HTTPS_PORT/"
	else
		echo "front: not running"
	fi
}

case "${1:-}" in
up) do_up ;;
down) do_down ;;
kill)
	[ -n "${2:-}" ] || die "usage: cluster.sh kill NODE"
	[ -d "$C/$2" ] || die "no such node: $2"
	node_kill "$2"
	;;
start)
	[ -n "${2:-}" ] || die "usage: cluster.sh start NODE"
	do_start "$2"
	;;
add-app)
	j=1
	while [ -d "$C/app$j" ] && [ ! -e "$C/app$j/removed" ]; do j=$((j + 1)); done
	mkdir -p "$C/app$j"
	app_start "$j"
	front_start
	say "app$j is in the front's upstream"
	;;
remove-app)
	[ -n "${2:-}" ] && [ -d "$C/$2" ] || die "usage: cluster.sh remove-app NODE"
	[ "$(apps | wc -l)" -gt 1 ] || die "$2 is the last application host"
	touch "$C/$2/removed"
	# New requests go to the others at once; the front's old workers
	# finish what they were sending to it (its streams are closed after
	# worker_shutdown_timeout, and reconnect to another host).
	front_start
	for ((t = 0; t < 150; t++)); do
		pgrep -f "nginx: worker process is shutting down" >/dev/null || break
		sleep 0.1
	done
	app_stop "${2#app}"
	say "$2 is out of the upstream and stopped"
	;;
status) do_status ;;
env)
	case "${2:-}" in
	app[0-9]*) echo "$(app_env "${2#app}") NESTEGG_BUILD=$BUILD" ;;
	*) die "usage: cluster.sh env appN" ;;
	esac
	;;
*)
	sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
	;;
esac
