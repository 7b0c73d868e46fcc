#!/usr/bin/env bash
# deploy/lib/migrate.sh — apply the SQL migrations to one database.
#
#   migrate.sh DIR
#
# Applies every DIR/NNN_name.sql whose version NNN is not yet in the table
# schema_migrations, in order. Each file runs in one transaction together with
# the INSERT of its schema_migrations row, so a migration is either applied and
# recorded, or neither; running this twice changes nothing. A migration file
# must therefore not contain BEGIN/COMMIT of its own, nor statements that cannot
# run in a transaction (CREATE INDEX CONCURRENTLY, VACUUM).
#
# The connection comes from the libpq environment (PGHOST, PGPORT, PGUSER,
# PGDATABASE, PGPASSWORD); PSQL names the psql program (default: psql).
# Used by deploy/dualwatch.sh (its private cluster) and by docker-compose.yml
# (the one-shot migrate service).
set -euo pipefail

say() { printf 'migrate: %s\n' "$*"; }
die() {
    printf 'migrate: error: %s\n' "$1" >&2
    if [[ $# -gt 1 && -n $2 ]]; then
        printf 'hint: %s\n' "$2" >&2
    fi
    exit 1
}

[[ $# -eq 1 ]] || die "usage: migrate.sh MIGRATIONS_DIR"
dir=$1
[[ -d $dir ]] || die "migrations directory $dir not found"
PSQL="${PSQL:-psql}"
export PGAPPNAME="${PGAPPNAME:-dualwatch-migrate}"
export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c client_min_messages=warning"
where="database ${PGDATABASE:-?} on ${PGHOST:-?} port ${PGPORT:-5432} as ${PGUSER:-?}"

q() { "$PSQL" -X -q -v ON_ERROR_STOP=1 "$@"; }

q -c "CREATE TABLE IF NOT EXISTS schema_migrations (
          version    text        PRIMARY KEY,
          applied_at timestamptz NOT NULL DEFAULT now())" ||
    die "could not create schema_migrations in $where" "the psql error is above; is the database up?"

applied_list="$(q -tA -c "SELECT version FROM schema_migrations ORDER BY version")" ||
    die "could not read schema_migrations in $where" "the psql error is above"
declare -A applied=()
while IFS= read -r v; do
    [[ -n $v ]] && applied[$v]=1
done <<<"$applied_list"

# The files, in version order (the glob sorts; the version is the first three
# digits, and two files may not share one).
declare -A seen=()
pending=()
total=0
shopt -s nullglob
for f in "$dir"/*.sql; do
    base="${f##*/}"
    if [[ ! $base =~ ^([0-9]{3})_[A-Za-z0-9_.-]+\.sql$ ]]; then
        printf 'migrate: warning: ignoring %s: a migration is named NNN_name.sql\n' "$f" >&2
        continue
    fi
    v="${BASH_REMATCH[1]}"
    [[ -z ${seen[$v]:-} ]] || die "two migrations share version $v: ${seen[$v]} and $base" \
        "give one of them the next free number"
    seen[$v]=$base
    total=$((total + 1))
    [[ -n ${applied[$v]:-} ]] || pending+=("$f")
done
for v in "${!applied[@]}"; do
    [[ -n ${seen[$v]:-} ]] ||
        printf 'migrate: warning: version %s is recorded in schema_migrations but no file %s/%s_*.sql exists\n' \
            "$v" "$dir" "$v" >&2
done

if ((${#pending[@]} == 0)); then
    say "schema up to date: $total migration(s), nothing to apply"
    exit 0
fi
for f in "${pending[@]}"; do
    base="${f##*/}"
    v="${base:0:3}"
    say "applying $base"
    q --single-transaction \
        -c "INSERT INTO schema_migrations (version) VALUES ('$v')" \
        -f "$f" ||
        die "migration $base failed and was rolled back: nothing of it is applied" \
            "the error is above; fix $f and run the migration again"
done
say "applied ${#pending[@]} migration(s); schema at version ${base:0:3}"
