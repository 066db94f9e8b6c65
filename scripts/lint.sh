#!/bin/bash
# lint.sh - fails the build on patterns nestegg does not allow:
#   - SQL run from a string that is not a literal (mysql_query and
#     mysql_real_query outside the one reviewed place in lib/db.c);
#   - double or float in money code (lib/money*, lib/ledger*, lib/value*);
#   - template output that bypasses HTML escaping without a review note;
#   - calls that return static buffers (gmtime, strtok, ...) in code the
#     threaded page worker runs.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
bad=0

report() { echo "lint: $*" >&2; bad=1; }

while IFS= read -r hit; do
	file=${hit%%:*}
	line=$(cut -d: -f2 <<<"$hit")
	prev=$(sed -n "$((line > 3 ? line - 3 : 1)),${line}p" "$file")
	grep -q 'lint: trusted text' <<<"$prev" ||
		report "$hit: raw SQL call; use db_exec() with a literal"
done < <(grep -nE '\bmysql_(real_)?query\s*\(' cgi-bin/*.c cgi-bin/pages/*.c lib/*.c cron/*.c 2>/dev/null |
	grep -vE 'mysql_(real_)?query\(d->conn, "[^"]*"\)')

for f in lib/money*.c lib/ledger*.c lib/value*.c lib/money*.h lib/ledger*.h lib/value*.h; do
	[ -e "$f" ] || continue
	grep -nE '\b(double|float|long double)\b|\bstrto[df]\b|\batof\b' "$f" |
		while IFS= read -r hit; do report "$f:$hit: floating point in money code"; done
	grep -qE '\b(double|float)\b|\bstrto[df]\b|\batof\b' "$f" && bad=1
done

while IFS= read -r hit; do
	file=${hit%%:*}
	line=$(cut -d: -f2 <<<"$hit")
	prev=$(sed -n "$((line > 1 ? line - 1 : 1)),${line}p" "$file")
	grep -q 'raw: ' <<<"$prev" ||
		report "$hit: unescaped template output needs a '<?cs # raw: why ?>' note"
done < <(grep -nE '<\?cs *(uvar|escape: *"none")' templates/*.cs 2>/dev/null)

# Page workers are threaded: no calls that return static buffers.
while IFS= read -r hit; do
	report "$hit: not thread-safe; use the _r form"
done < <(grep -nE '\b(gmtime|localtime|strtok|asctime|ctime|strerror)\(' cgi-bin/*.c cgi-bin/pages/*.c lib/*.c 2>/dev/null)

[ $bad -eq 0 ] && echo "lint: ok"
exit $bad
