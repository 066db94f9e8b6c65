# nestegg - build, run and test.
#
#   make            build every program into build/
#   make run        install what is missing, build, start the stack in the
#                   foreground (Ctrl-C stops it)
#   make start      the same in the background; make stop ends it
#   make test       build and run every test (last line: N passed, N failed)
#   make bench      benchmarks
#   make asan       build with AddressSanitizer and UBSan into build/asan;
#                   make test SAN=1 runs the tests against that build

SAN ?= 0
ifeq ($(SAN),1)
BUILD ?= build/asan
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
OPT = -O1
else
BUILD ?= build
SANFLAGS =
OPT = -O2
endif

CC ?= cc
CFLAGS = -std=c11 $(OPT) -g -Wall -Wextra -Werror -Wshadow \
	-Wformat=2 -Wno-format-nonliteral $(SANFLAGS)
CPPFLAGS = -D_GNU_SOURCE -DNESTEGG_HOME='"$(CURDIR)"' -Ilib -Icgi-bin \
	-isystem /usr/include/ClearSilver -isystem /usr/include/mariadb \
	-isystem /usr/include/mariadb/mysql -MMD -MP
LDFLAGS = $(SANFLAGS)
LIBS_DB = -lmariadb -lcrypt -lcrypto -lpthread -lm
LIBS_FEED = -ljson-c -lexpat
LIBS_CS = -lneo_cgi -lneo_cs -lneo_utl -lz
LIBS_WEB = -lfcgi $(LIBS_FEED) $(LIBS_CS) $(LIBS_DB)

LIB_SRC = $(wildcard lib/*.c lib/feeds/*.c)
WEB_SRC = $(wildcard cgi-bin/*.c cgi-bin/pages/*.c)
LIVE_SRC = $(wildcard cgi-bin/live/*.c)
CLI_SRC = $(wildcard cron/*.c)
UNIT_SRC = $(wildcard tests/unit/test_*.c)

LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
WEB_OBJ = $(WEB_SRC:%.c=$(BUILD)/obj/%.o)
LIVE_OBJ = $(LIVE_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ = $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

PROGRAMS = $(BUILD)/nestegg-web $(BUILD)/nestegg-live $(BUILD)/nestegg \
	$(BUILD)/nestegg-supervise $(BUILD)/bench-hello $(BUILD)/liveload

Q = @
ifeq ($(V),1)
Q =
endif

.PHONY: all asan test unit run start stop bench fuzz lint deps clean install \
	cluster-up cluster-down cluster-kill cluster-start cluster-add-app \
	cluster-remove-app cluster-status failover \
	faults security soak
all: $(PROGRAMS) $(UNIT_BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/lib.a: $(LIB_OBJ)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/nestegg-web: $(WEB_OBJ) $(BUILD)/lib.a
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_WEB)

$(BUILD)/nestegg-live: $(LIVE_OBJ) $(BUILD)/lib.a
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_WEB)

$(BUILD)/nestegg: $(CLI_OBJ) $(BUILD)/lib.a
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lcurl $(LIBS_FEED) $(LIBS_CS) $(LIBS_DB)

$(BUILD)/nestegg-supervise: $(BUILD)/obj/cron/supervise/supervise.o
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^

$(BUILD)/bench-hello: $(BUILD)/obj/tests/bench/hello.o
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lfcgi -lpthread

$(BUILD)/liveload: $(BUILD)/obj/tests/bench/liveload.o
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lssl -lcrypto

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/lib.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lcmocka $(LIBS_FEED) $(LIBS_CS) $(LIBS_DB)

asan:
	$(Q)$(MAKE) --no-print-directory SAN=1 all

deps:
	$(Q)scripts/deps.sh

lint:
	$(Q)scripts/lint.sh

test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/lint.sh
	$(Q)NESTEGG_BUILD=$(BUILD) tests/run.sh

unit: all
	$(Q)NESTEGG_BUILD=$(BUILD) tests/run.sh unit

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)NESTEGG_BUILD=$(BUILD) scripts/stack.sh run

start: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)NESTEGG_BUILD=$(BUILD) scripts/stack.sh start

stop:
	$(Q)scripts/stack.sh stop

# make install [PREFIX=/usr/local] [DESTDIR=] [SYSCONFDIR=/etc/nestegg]
# [LOCALSTATEDIR=/var/lib/nestegg] [UNITDIR=/etc/systemd/system]: the
# programs, the templates, static files and migrations, nginx.conf and
# the crontab as examples, and the systemd units with their paths
# filled in.  The settings file is never overwritten.
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc/nestegg
LOCALSTATEDIR ?= /var/lib/nestegg
UNITDIR ?= /etc/systemd/system
BINDIR = $(PREFIX)/bin
SHAREDIR = $(PREFIX)/share/nestegg
UNITS = $(wildcard scripts/systemd/*.service scripts/systemd/*.timer)
install: all
	$(Q)install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR) \
	    $(DESTDIR)$(UNITDIR)
	$(Q)install -d -m 750 $(DESTDIR)$(SYSCONFDIR) \
	    $(DESTDIR)$(LOCALSTATEDIR)
	$(Q)install -m 755 $(BUILD)/nestegg $(BUILD)/nestegg-web \
	    $(BUILD)/nestegg-live $(BUILD)/nestegg-supervise $(DESTDIR)$(BINDIR)
	$(Q)rm -rf $(DESTDIR)$(SHAREDIR)/templates $(DESTDIR)$(SHAREDIR)/htdocs \
	    $(DESTDIR)$(SHAREDIR)/sql
	$(Q)cp -R templates htdocs sql $(DESTDIR)$(SHAREDIR)/
	$(Q)install -m 644 nginx.conf cron/nestegg.cron README.md \
	    $(DESTDIR)$(SHAREDIR)/
	$(Q)for u in $(UNITS); do \
		sed -e 's|@BIN@|$(BINDIR)|g' -e 's|@SHARE@|$(SHAREDIR)|g' \
		    -e 's|@ETC@|$(SYSCONFDIR)|g' -e 's|@VAR@|$(LOCALSTATEDIR)|g' \
		    $$u > $(DESTDIR)$(UNITDIR)/$$(basename $$u) && \
		chmod 644 $(DESTDIR)$(UNITDIR)/$$(basename $$u) || exit 1; \
	done
	$(Q)echo "installed nestegg under $(DESTDIR)$(PREFIX); units in $(DESTDIR)$(UNITDIR)"

# The fault drills: the database stalled and restarted, workers killed
# (also mid-import), fetch and revalue killed mid-run, price sources
# slow, failing, refusing or answering garbage, one user's addresses
# stalling.  Each test checks that nothing was lost.
FAULTS = test_hardening.Faults,recovers_after_mariadb_restart,killed_run_leaves,\
	fetch_killed_mid_run,slow_source,500_is_retried,429_waits,bad_answers_never,\
	delay_nobody
faults: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)NESTEGG_BUILD=$(BUILD) python3 tests/integration/run.py -k "$(FAULTS)"

# The security checks: every route with an id tried by a second user,
# CSRF on every state-changing route, markup through every input,
# numbers past their columns, strict JSON, names, CSV formulas,
# sign-in throttling, TLS suites, headers, redirects, the database's
# grants and its socket; the fences (test_fences*: what a fetch may
# reach, who sees and names an instrument, per-user limits, JSON
# errors, the live limit's cookie), import drafts and registration;
# then sqlmap at --level=5 --risk=3 against every form and parameter of
# a throwaway stack (tests/integration/test_sqlmap.py; SQLMAP=all, about
# 35 minutes on two cores, or some targets' names).
SECURITY = test_isolation,test_hardening.Columns,test_hardening.Bodies,\
	test_hardening.Names,test_hardening.Exports,test_throttle,tls_offers,\
	nginx_errors,security_headers,redirects_to_https,hostile_names,\
	web_account_cannot_change_schema,mariadb_has_no_tcp,not_from_elsewhere,\
	test_fences,ImportDrafts,RegisterSameAnswer,InvisibleNames,test_sqlmap
SQLMAP ?= all
security: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)NESTEGG_BUILD=$(BUILD) NESTEGG_SQLMAP=$(SQLMAP) \
	    python3 tests/integration/run.py -k "$(SECURITY)"

# Half an hour of mixed load (not in make test): SOAK_SECONDS=1800.
soak: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)NESTEGG_BUILD=$(BUILD) python3 tests/bench/soak.py

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)NESTEGG_BUILD=$(BUILD) tests/bench/run.sh

# make fuzz: every libFuzzer target (tests/fuzz/fuzz_<name>.c) to
# FUZZ_RUNS executions (ten million), or FUZZ_SECONDS each, one a core
# at a time, after replaying every crash input kept in tests/fuzz/crashes/;
# see tests/fuzz/run.sh.
fuzz: deps
	$(Q)tests/fuzz/run.sh

# The test cluster (scripts/cluster.sh): three Galera nodes, two
# application hosts and a front nginx under $(NESTEGG_VAR)/cluster/.
# NODE names one: db1..db3, app1.., front.
cluster-up: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)NESTEGG_BUILD=$(BUILD) scripts/cluster.sh up

cluster-down:
	$(Q)scripts/cluster.sh down

cluster-kill:
	$(Q)scripts/cluster.sh kill $(NODE)

cluster-start:
	$(Q)NESTEGG_BUILD=$(BUILD) scripts/cluster.sh start $(NODE)

cluster-add-app:
	$(Q)NESTEGG_BUILD=$(BUILD) scripts/cluster.sh add-app

cluster-remove-app:
	$(Q)scripts/cluster.sh remove-app $(NODE)

cluster-status:
	$(Q)scripts/cluster.sh status

# The failover scenarios under load (tests/cluster/failover.py), on the
# running test cluster, or on one started for them and stopped after.
failover: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)NESTEGG_BUILD=$(BUILD) python3 tests/cluster/failover.py

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
