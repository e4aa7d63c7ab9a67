#!/usr/bin/env bash
# A throwaway PostgreSQL for the store's tests: Debian's server (installed when missing), a
# new cluster in a temporary folder, listening on 127.0.0.1 and a free port only, with a role
# and a database of its own. Prints the settings for the caller to `eval`:
#
#     eval "$(bash tests/postgres/start.sh)"    # sets AFTERCARE_TEST_POSTGRES
#     ...
#     bash tests/postgres/stop.sh               # stops it and removes the folder
#
# Everything else goes to standard error, so that only `export` lines reach the `eval`.
# As root the server runs as the `postgres` user (it refuses to run as root); otherwise as
# the calling user.
set -euo pipefail
exec 3>&1 1>&2

find_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
        echo "$dir"
    fi
}

bin=$(find_bin)
if [[ -z "$bin" ]]; then
    echo "installing PostgreSQL (Debian's postgresql)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    bin=$(find_bin)
    [[ -n "$bin" ]] || { echo "postgresql installed, but no initdb under /usr/lib/postgresql"; exit 1; }
fi

as_server() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

dir=$(mktemp -d "${TMPDIR:-/tmp}/aftercare-postgres.XXXXXX")
if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$dir"
fi
chmod 700 "$dir"

# The role's password is new each time; the socket is in the private folder, where the
# superuser connects without one to set things up.
password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
as_server "$bin/initdb" --pgdata="$dir/data" --username=postgres --encoding=UTF8 \
    --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" \
    || { cat "$dir/initdb.log"; exit 1; }

# A free port: one nothing answers on, then the server's own start says whether it got it.
# The server must not hold the caller's output open (3>&-), or `$(...)` would never end.
started=""
for _ in $(seq 1 20); do
    port=$((20000 + RANDOM % 40000))
    if (exec 9<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        continue
    fi
    if as_server "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait \
        --options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200" \
        start >/dev/null 3>&-; then
        started=yes
        break
    fi
done
if [[ -z "$started" ]]; then
    cat "$dir/server.log" || true
    echo "PostgreSQL did not start"
    exit 1
fi

# The tests make a database of their own for each test, hence CREATEDB.
as_server "$bin/psql" --no-psqlrc --quiet -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres \
    -d postgres <<SQL
CREATE ROLE aftercare LOGIN CREATEDB PASSWORD '$password';
CREATE DATABASE aftercare OWNER aftercare;
SQL

echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, in $dir"
{
    echo "export AFTERCARE_TEST_POSTGRES='postgres://aftercare:$password@127.0.0.1:$port/aftercare'"
    echo "export AFTERCARE_TEST_POSTGRES_DIR='$dir'"
} >&3
