# SPDX-License-Identifier: MIT
# Where the connection settings come from: option > environment > file >
# default, shown by --print-config (with each value's origin) and by the
# server address that error messages name. Bad files and variables are
# configuration errors (78) naming the file and line or the variable.
. "$LDLM_TEST_SRCDIR/tests/cli/lib.sh"

# "name=value<TAB># origin" from --print-config.
expect_setting() { # NAME VALUE ORIGIN
    line=$(grep "^$1=" "$T/out") || fail "--print-config shows no $1"
    [ "$line" = "$(printf '%s=%s\t# %s' "$1" "$2" "$3")" ] ||
        fail "expected '$1=$2 # $3', got '$line'"
}

print_config() {
    run_ldlm --print-config "$@"
    [ "$status" -eq 0 ] || fail "--print-config $*: exit $status"
    expect_no_stderr
}

cat > "$T/pam_ldlm.conf" << 'CONF'
# shared with pam_ldlm: its own settings are ignored by ldlm
max_sessions = 3
server = file.example:1
tls
on_error=deny
ca_file = "/etc/ldlm/ca with blanks.pem"
max_retries=2
timeout=7
CONF

# Defaults only (LDLM_CONFIG points to an empty file).
print_config
expect_setting config "$T/empty.conf" "environment variable LDLM_CONFIG"
expect_setting server localhost:3144 default
expect_setting tls no default
expect_setting max_retries 0 default
expect_setting timeout 30 default
expect_setting password_file "" default

# The file.
print_config --config "$T/pam_ldlm.conf"
expect_setting config "$T/pam_ldlm.conf" "option --config"
expect_setting server file.example:1 "$T/pam_ldlm.conf:3"
expect_setting tls yes "$T/pam_ldlm.conf:4"
expect_setting ca_file "/etc/ldlm/ca with blanks.pem" "$T/pam_ldlm.conf:6"
expect_setting max_retries 2 "$T/pam_ldlm.conf:7"
expect_setting timeout 7 "$T/pam_ldlm.conf:8"
LDLM_CONFIG=$T/pam_ldlm.conf print_config
expect_setting config "$T/pam_ldlm.conf" "environment variable LDLM_CONFIG"
expect_setting server file.example:1 "$T/pam_ldlm.conf:3"

# Environment over file; empty variables count as unset.
LDLM_SERVER=env.example:2 LDLM_TLS=no LDLM_MAX_RETRIES= LDLM_TIMEOUT=9 \
    print_config --config "$T/pam_ldlm.conf"
expect_setting server env.example:2 "environment variable LDLM_SERVER"
expect_setting tls no "environment variable LDLM_TLS"
expect_setting max_retries 2 "$T/pam_ldlm.conf:7"
expect_setting timeout 9 "environment variable LDLM_TIMEOUT"

# Options over environment over file; the last option wins.
LDLM_SERVER=env.example:2 LDLM_CA_FILE=/env/ca.pem LDLM_SKIP_VERIFY=yes \
    LDLM_PASSWORD_FILE=/env/pw print_config --config "$T/pam_ldlm.conf" \
    --server first.example:3 --server option.example:3 --tls=no \
    --skip-verify=no --max-retries 5
expect_setting server option.example:3 "option --server"
expect_setting tls no "option --tls"
expect_setting skip_verify no "option --skip-verify"
expect_setting ca_file /env/ca.pem "environment variable LDLM_CA_FILE"
expect_setting password_file /env/pw "environment variable LDLM_PASSWORD_FILE"
expect_setting max_retries 5 "option --max-retries"
expect_setting timeout 7 "$T/pam_ldlm.conf:8"
# --config over LDLM_CONFIG.
LDLM_CONFIG=$T/absent.conf print_config --config "$T/pam_ldlm.conf"
expect_setting server file.example:1 "$T/pam_ldlm.conf:3"

# The password is never printed (only the file name).
printf 'never-shown\n' > "$T/pw"
chmod 600 "$T/pw"
print_config --password-file "$T/pw"
grep -q never-shown "$T/out" && fail "--print-config printed the password"
expect_setting password_file "$T/pw" "option --password-file"

# The same precedence, seen in a real connection attempt: the error names
# the address in force.
port=$(closed_port) || fail "no free port"
printf 'server=127.0.0.1:%s\n' "$port" > "$T/closed.conf"
run_ldlm --config "$T/closed.conf" try-lock x
expect_status 69
expect_one_error_line "try-lock x on 127.0.0.1:$port: "
printf 'server=file.example:1\n' > "$T/other.conf"
LDLM_SERVER=127.0.0.1:$port run_ldlm --config "$T/other.conf" try-lock x
expect_status 69
expect_one_error_line "try-lock x on 127.0.0.1:$port: "
LDLM_SERVER=file.example:1 run_ldlm --server "127.0.0.1:$port" try-lock x
expect_status 69
expect_one_error_line "try-lock x on 127.0.0.1:$port: "

# Configuration errors: 78 with the file and line, or the variable.
config_error() { # ERE ARGS...
    pattern=$1
    shift
    run_ldlm "$@"
    [ "$status" -eq 78 ] || fail "ldlm $*: expected 78, got $status"
    expect_no_stdout
    expect_one_error_line "$pattern"
}
printf 'server=x:1\nthis line has no equals sign\n' > "$T/bad.conf"
config_error "^ldlm: configuration: $T/bad.conf:2: expected name=value, got \"this line has no equals sign\"" \
    --config "$T/bad.conf" try-lock x
printf '# ok\n\n  = value\n' > "$T/bad.conf"
config_error "$T/bad.conf:3: empty name before '='" --config "$T/bad.conf" try-lock x
printf 'server=x:1\ntimeout=soon\n' > "$T/bad.conf"
config_error "$T/bad.conf:2: timeout=soon is not a whole number" \
    --config "$T/bad.conf" try-lock x
# ... unless an option overrides the bad value.
run_ldlm --config "$T/bad.conf" --timeout 5 --print-config
expect_status 0
printf 'server=\n' > "$T/bad.conf"
config_error "$T/bad.conf:1: server needs a value" --config "$T/bad.conf" --print-config
printf '# a local socket is not a server address\nserver = unix-abstract:ldlm\n' > "$T/bad.conf"
config_error "$T/bad.conf:2: server=unix-abstract:ldlm: gRPC target URIs \\(here \"unix-abstract:\"\\) are not accepted" \
    --config "$T/bad.conf" try-lock x
LDLM_SERVER=unix:/tmp/ldlm.sock config_error \
    'environment variable LDLM_SERVER: server=unix:/tmp/ldlm.sock: gRPC target URIs' try-lock x
config_error "^ldlm: configuration: $T/absent.conf: No such file or directory\$" \
    --config "$T/absent.conf" try-lock x
LDLM_CONFIG=$T/absent.conf config_error "$T/absent.conf: No such file" try-lock x
config_error "$T: not a regular file" --config "$T" try-lock x
LDLM_MAX_RETRIES=lots config_error \
    "environment variable LDLM_MAX_RETRIES: max_retries=lots is not a whole number" \
    try-lock x
LDLM_TLS=perhaps config_error "environment variable LDLM_TLS: tls=perhaps: expected yes/no" \
    try-lock x
LDLM_TIMEOUT=99999999 config_error "LDLM_TIMEOUT: timeout=99999999 is out of range" \
    try-lock x

# Without --config and LDLM_CONFIG, the default file is used only if it is
# readable; either way --print-config says which.
unset LDLM_CONFIG
print_config
if [ -r /etc/security/pam_ldlm.conf ]; then
    expect_setting config /etc/security/pam_ldlm.conf default
else
    expect_setting config "" \
        "default /etc/security/pam_ldlm.conf absent or unreadable"
fi
exit 0
