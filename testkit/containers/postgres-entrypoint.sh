#!/bin/sh
# Entrypoint of the kata's local PostgreSQL image (testkit/containers/prepare builds it). It keeps
# the part of the official postgres image's contract the testkit relies on, for the zonky binaries,
# which have no psql, pg_basebackup or gosu:
#   - as root: make $PGDATA postgres's (owner and mode 700), then run again as postgres;
#   - a $PGDATA without PG_VERSION gets initdb (POSTGRES_USER, POSTGRES_PASSWORD,
#     POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD for the `host all all all` line), then
#     /docker-entrypoint-initdb.d/*.sh (executed when executable, sourced otherwise) and *.sql
#     (through `postgres --single`, as there is no psql); POSTGRES_DB is created the same way;
#   - a $PGDATA that already has PG_VERSION (a restarted container, a copied replica) starts as is.
# Unlike the official image, no temporary server runs while the init scripts do, and clusters are
# created with UTF8 and the C locale (as the embedded backend's are; the image has no locales).
set -eu
if [ "${1#-}" != "$1" ]; then
  set -- postgres "$@"
fi
if [ "$1" != "postgres" ]; then
  exec "$@"
fi
: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  user="${POSTGRES_USER:-postgres}"
  auth="${POSTGRES_HOST_AUTH_METHOD:-}"
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    printf '%s\n' "$POSTGRES_PASSWORD" > /tmp/pwfile
    # shellcheck disable=SC2086
    initdb --username="$user" --pwfile=/tmp/pwfile --encoding=UTF8 --locale=C ${POSTGRES_INITDB_ARGS:-} -D "$PGDATA"
    rm -f /tmp/pwfile
    : "${auth:=scram-sha-256}"
  else
    if [ -z "$auth" ]; then
      echo "dbkata postgres image: set POSTGRES_PASSWORD, or POSTGRES_HOST_AUTH_METHOD=trust" >&2
      exit 1
    fi
    # shellcheck disable=SC2086
    initdb --username="$user" --encoding=UTF8 --locale=C ${POSTGRES_INITDB_ARGS:-} -D "$PGDATA"
  fi
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  printf 'host all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"
  db="${POSTGRES_DB:-$user}"
  if [ "$db" != "postgres" ]; then
    echo "CREATE DATABASE \"$db\";" | postgres --single -j -D "$PGDATA" postgres >/dev/null
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh)
        if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
      *.sql)
        postgres --single -j -D "$PGDATA" "$db" < "$f" >/dev/null ;;
      *) [ -e "$f" ] && echo "dbkata postgres image: ignoring $f" ;;
    esac
  done
  echo "dbkata postgres image: init process complete"
fi
exec "$@"
