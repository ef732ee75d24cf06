#!/usr/bin/env bash
# The test harness behind `make` (see tests/tools/README.md).
#
#   tests/tools/harness.sh STAGE...
#
# Stages: venv, link, lint, sanity, servers (installs BIND for the DNS tests), units, integration, pytest (units +
#         integration), demo, perf, reliability_report, test (venv, link, lint, sanity, servers, pytest, with a summary), clean.
#
# Environment knobs (all optional):
#   PYTHON           interpreter used to create .venv            (default: python3.11)
#   VENV             the virtualenv folder                        (default: .venv)
#   PYTEST_WORKERS   pytest-xdist workers, 0 disables xdist       (default: auto)
#   PYTEST_ARGS      extra pytest arguments                       (default: none)
#   SANITY_ARGS      extra ansible-test sanity arguments, e.g. "--test pep8"
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"

PYTHON="${PYTHON:-python3.11}"
VENV="${VENV:-.venv}"
case "$VENV" in /*) ;; *) VENV="$ROOT/$VENV" ;; esac
BUILD="$ROOT/.build"
COLLECTIONS="$BUILD/collections"
SANITY_ROOT="$BUILD/sanity/ansible_collections/mailops/sendgrid"
# ansible-test keeps the per-test sanity virtualenvs in ~/.ansible/test/venv; HOME points here
# while it runs so that cache lives under .build/ (and `make clean` really starts over).
SANITY_HOME="$BUILD/home"
PYTEST_WORKERS="${PYTEST_WORKERS:-auto}"
PYTEST_ARGS="${PYTEST_ARGS:-}"
SANITY_ARGS="${SANITY_ARGS:-}"
STAMP="$VENV/.requirements-dev.sha256"

UNIT_DIRS=(tests/unit tests/simulator_tests)
INTEGRATION_DIRS=(tests/integration tests/reliability)

# ansible-test sanity: the only Python the suite targets is 3.11 (the controller's; tests/config.yml
# asks for modules on >=3.9, which ansible-test then checks on 3.11 only).
SANITY_PYTHON=3.11

log() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() {
    printf '\nERROR: %s\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------------------------------------
# venv: (re)create .venv when it is missing, broken, made by another Python or when
# requirements-dev.txt changed since it was built.
# ---------------------------------------------------------------------------------------------
stage_venv() {
    command -v "$PYTHON" >/dev/null 2>&1 || die "'$PYTHON' not found: install Python 3.11 or run with PYTHON=/path/to/python3.11"
    local version
    version="$("$PYTHON" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')" ||
        die "'$PYTHON' does not run"
    case "$version" in
        3.11.*) ;;
        *) die "'$PYTHON' is Python $version; the harness needs Python 3.11 (ansible-core 2.19 + the sanity pins). Set PYTHON=python3.11" ;;
    esac
    local want
    want="$(sha256sum requirements-dev.txt | cut -d' ' -f1) python-$version"

    mkdir -p "$BUILD"
    (
        # Several developers share this work tree: one venv build at a time.
        exec 9>"$BUILD/.venv.lock"
        flock 9
        if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] &&
            "$VENV/bin/python" -c 'import ansible, pytest' >/dev/null 2>&1; then
            exit 0
        fi
        log "venv: building ${VENV#"$ROOT"/} with Python $version from requirements-dev.txt"
        rm -rf "$VENV"
        "$PYTHON" -m venv "$VENV"
        "$VENV/bin/python" -m pip install --quiet --quiet --disable-pip-version-check -r requirements-dev.txt ||
            {
                rm -rf "$VENV"
                die "venv: pip install -r requirements-dev.txt failed"
            }
        printf '%s\n' "$want" >"$STAMP"
        note "venv ready: $("$VENV/bin/python" -c 'from ansible.release import __version__ as v; print("ansible-core " + v)')"
    )
}

# ---------------------------------------------------------------------------------------------
# link: make the checkout importable as ansible_collections.mailops.sendgrid, and export the
# environment every later stage (and `make demo`) uses.
# ---------------------------------------------------------------------------------------------
stage_link() {
    local link="$COLLECTIONS/ansible_collections/mailops/sendgrid"
    mkdir -p "$(dirname "$link")"
    if [ ! -e "$link" ] || [ "$(cd "$link" && pwd -P)" != "$ROOT" ]; then
        rm -f "$link"
        ln -s ../../../.. "$link"
    fi
    [ "$(cd "$link" && pwd -P)" = "$ROOT" ] || die "link: $link does not point at $ROOT"
}

export_env() {
    export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS"
    unset ANSIBLE_COLLECTIONS_PATHS # deprecated spelling; would only confuse ansible-core 2.19
    export PYTHONPATH="$COLLECTIONS${PYTHONPATH:+:$PYTHONPATH}"
    export PATH="$VENV/bin:$PATH"
    export VIRTUAL_ENV="$VENV"
}

# ---------------------------------------------------------------------------------------------
# lint: changelog fragments, ruff, yamllint, mypy, ansible-lint
# ---------------------------------------------------------------------------------------------
stage_lint() {
    log "lint: antsibull-changelog lint"
    antsibull-changelog lint
    log "lint: ruff check"
    ruff check --no-cache --output-format concise . || return 1
    note "ruff: ok"
    log "lint: yamllint"
    yamllint --strict . || return 1
    note "yamllint: ok"
    log "lint: mypy (mypy.ini: plugins/module_utils)"
    mypy || return 1
    log "lint: ansible-lint --offline (.ansible-lint: production profile) roles/ playbooks/"
    ansible-lint --offline --nocolor roles/ playbooks/ || return 1
}

# ---------------------------------------------------------------------------------------------
# sanity: ansible-test sanity on a copy of what a commit would contain
# ---------------------------------------------------------------------------------------------
stage_sanity() {
    mkdir -p "$BUILD"
    (
        exec 9>"$BUILD/.sanity.lock"
        flock 9
        log "sanity: mirroring tracked + untracked-not-ignored files into ${SANITY_ROOT#"$ROOT"/}"
        "$VENV/bin/python" tests/tools/sync_tree.py "$ROOT" "$SANITY_ROOT"
        # ansible-test looks upwards for a .git to learn which files the collection has. Without one
        # of its own the copy would be judged by this checkout's repository, where none of its paths
        # exist ("All targets skipped"). An empty repository makes it list the copy's files
        # (untracked, minus the copied .gitignore), i.e. exactly what was mirrored.
        if [ ! -d "$SANITY_ROOT/.git" ]; then
            git -c init.defaultBranch=sanity init --quiet "$SANITY_ROOT"
        fi
        mkdir -p "$SANITY_HOME"
        # pip inside ansible-test's virtualenvs reads its configuration (and cache) from $HOME: keep the user's.
        local real_home="$HOME" conf
        for conf in .config/pip .pip .cache/pip; do
            if [ -e "$real_home/$conf" ] && [ ! -e "$SANITY_HOME/$conf" ]; then
                mkdir -p "$(dirname "$SANITY_HOME/$conf")"
                ln -s "$real_home/$conf" "$SANITY_HOME/$conf"
            fi
        done
        # ansible-test bootstraps pip into its virtualenvs with a get-pip script it downloads from a
        # server that is not reachable here; give it our stand-in at the cache path it checks first.
        local pip_version get_pip
        pip_version="$("$VENV/bin/python" -c 'from ansible_test._internal.python_requirements import get_venv_packages as g
class P: version = "'"$SANITY_PYTHON"'"
print(g(P)["pip"])')" || die "sanity: cannot tell which pip version ansible-test bootstraps"
        get_pip="$SANITY_HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
        mkdir -p "$(dirname "$get_pip")"
        cmp -s tests/tools/get_pip_offline.py "$get_pip" || cp tests/tools/get_pip_offline.py "$get_pip"
        cd "$SANITY_ROOT"
        # --venv: ansible-test builds its own Python 3.11 virtualenv (cached in tests/output/.tmp of the
        # copy) plus one per sanity test (cached in $SANITY_HOME/.ansible/test/venv); no docker needed.
        log "sanity: ansible-test sanity --venv --python $SANITY_PYTHON ${SANITY_ARGS}"
        # The copy must be the only mailops.sendgrid ansible-test can see: drop the paths that point at
        # the checkout itself.
        # shellcheck disable=SC2086 # SANITY_ARGS is a list of words on purpose
        env -u PYTHONPATH -u ANSIBLE_COLLECTIONS_PATH HOME="$SANITY_HOME" ansible-test sanity --venv --python "$SANITY_PYTHON" --color no $SANITY_ARGS
    )
}

# ---------------------------------------------------------------------------------------------
# pytest over the given folders; folders that do not exist or hold no test files yet are skipped.
# $1 = label, $2 = "required" when having no test at all is an error, rest = folders.
# ---------------------------------------------------------------------------------------------
run_pytest() {
    local label="$1" required="$2"
    shift 2
    local dirs=() dir
    for dir in "$@"; do
        if [ -d "$dir" ] && [ -n "$(find "$dir" -name '__pycache__' -prune -o -type f \( -name 'test_*.py' -o -name '*_test.py' \) -print -quit)" ]; then
            dirs+=("$dir")
        else
            note "$label: skipping $dir (no test files yet)"
        fi
    done
    if [ "${#dirs[@]}" -eq 0 ]; then
        if [ "$required" = required ]; then
            die "$label: none of $* holds a test file; the suite would run no test"
        fi
        log "$label: nothing to run yet"
        return 0
    fi
    local args=()
    case "$PYTEST_WORKERS" in
        '' | 0 | no | off) ;;
        *) args+=(-n "$PYTEST_WORKERS" --dist loadfile) ;;
    esac
    log "$label: pytest ${args[*]} ${dirs[*]} $PYTEST_ARGS"
    local rc=0
    # shellcheck disable=SC2086 # PYTEST_ARGS is a list of words on purpose
    python -m pytest "${args[@]}" $PYTEST_ARGS "${dirs[@]}" || rc=$?
    case "$rc" in
        0) return 0 ;;
        5) die "$label: pytest collected no tests from ${dirs[*]} (exit 5) although test files exist: check their names, markers and -k/-m filters" ;;
        *) return "$rc" ;;
    esac
}

stage_units() { run_pytest units optional "${UNIT_DIRS[@]}"; }
# The only command that rewrites docs/reliability.md (make test leaves tracked files alone).
stage_reliability_report() { MAILOPS_WRITE_RELIABILITY_REPORT=1 run_pytest reliability required tests/reliability; }
stage_integration() { run_pytest integration optional "${INTEGRATION_DIRS[@]}"; }
# integration_dialects: tests/integration with the simulator playing every alternative behaviour at once
# (SIMULATOR_DIALECT=all, docs/api-fidelity.md); tests marked pins_default_dialect get the default. Not part of `test`
# (it doubles the integration time); `test` runs the demo and the request budget under `all` (test_dialects.py).
stage_integration_dialects() {
    export SIMULATOR_DIALECT="${SIMULATOR_DIALECT:-all}"
    log "integration_dialects: SIMULATOR_DIALECT=$SIMULATOR_DIALECT"
    run_pytest integration_dialects optional tests/integration
}
stage_pytest() { run_pytest pytest required "${UNIT_DIRS[@]}" "${INTEGRATION_DIRS[@]}"; }

# ---------------------------------------------------------------------------------------------
# servers: the real servers the integration tests start themselves, installed here (visibly, before any test)
# rather than by a fixture. BIND 9 (named, nsupdate, named-checkzone) for the DNS tests: from Debian's packages
# when CI=true or MAILOPS_INSTALL_BIND=1, else the BIND tests skip and say how to get it. moto (Route 53) is a
# Python package of requirements-dev.txt.
# ---------------------------------------------------------------------------------------------
named_found() { command -v named >/dev/null 2>&1 || [ -x /usr/sbin/named ] || [ -x /usr/local/sbin/named ]; }

stage_servers() {
    if named_found; then
        log "servers: BIND 9 named is installed"
        return 0
    fi
    if [ "${CI:-}" != true ] && [ "${MAILOPS_INSTALL_BIND:-}" != 1 ]; then
        note "servers: BIND 9 named is not installed: the BIND tests will skip (MAILOPS_INSTALL_BIND=1 make test installs it, or apt-get install bind9 bind9-utils)"
        return 0
    fi
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "servers: installing bind9 needs root, and sudo is not available"
        sudo=(sudo -n)
    fi
    command -v apt-get >/dev/null 2>&1 || die "servers: named is missing and apt-get is not available: install BIND 9 with the system's package manager"
    log "servers: installing bind9 bind9-utils with apt-get (the BIND tests need named, nsupdate and named-checkzone)"
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -qq || die "servers: apt-get update failed"
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends bind9 bind9-utils >/dev/null \
        || die "servers: apt-get install bind9 bind9-utils failed"
    named_found || die "servers: apt-get installed bind9 but no named binary was found"
    log "servers: BIND 9 named installed"
}

# ---------------------------------------------------------------------------------------------
# demo: placeholder for the main command (tests/tools/demo.py is written separately)
# ---------------------------------------------------------------------------------------------
stage_demo() {
    if [ ! -f tests/tools/demo.py ]; then
        die "demo: tests/tools/demo.py does not exist yet, so there is no demo to run"
    fi
    log "demo: python -m tests.tools.demo"
    exec "$VENV/bin/python" -m tests.tools.demo
}

# ---------------------------------------------------------------------------------------------
# perf: the benchmark (tests/perf/README.md); writes docs/performance.md. Not part of `test`.
# ---------------------------------------------------------------------------------------------
# live-check: the contract check against a real SendGrid account (tests/tools/live_check.py). Never part of test.
stage_live_check() {
    log "live-check: python -m tests.tools.live_check"
    exec "$VENV/bin/python" -m tests.tools.live_check
}

stage_perf() {
    # The fleet part plots with matplotlib: a benchmark tool, not a test requirement, so installed here only (pinned).
    "$VENV/bin/python" -c "import matplotlib" 2>/dev/null || "$VENV/bin/pip" install -q -r requirements-perf.txt
    log "perf: python -m tests.perf ${PERF_ARGS:-}"
    # shellcheck disable=SC2086 # PERF_ARGS is a list of words on purpose
    exec "$VENV/bin/python" -m tests.perf ${PERF_ARGS:-}
}

stage_clean() {
    log "clean: removing .build/, tests/output/ and tool caches (keeping ${VENV#"$ROOT"/}; 'make distclean' removes it too)"
    rm -rf "$BUILD" tests/output .pytest_cache .ruff_cache
    find . \( -path ./.git -o -path './.venv*' \) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
}

stage_distclean() {
    stage_clean
    log "distclean: removing ${VENV#"$ROOT"/}"
    rm -rf "$VENV"
}

# ---------------------------------------------------------------------------------------------
# Stage runner: timing, a clear message naming the stage that failed, and a final summary.
# ---------------------------------------------------------------------------------------------
SUMMARY=()
SUITE_START=$SECONDS
CURRENT=""

finish() {
    local rc=$?
    [ -n "$CURRENT" ] || return 0
    local total=$((SECONDS - SUITE_START))
    if [ "$rc" -ne 0 ]; then
        printf '\nFAILED: stage "%s" failed (exit %s) after %ss; passed before it: %s\n' \
            "$CURRENT" "$rc" "$total" "${SUMMARY[*]:-none}" >&2
    fi
}
trap finish EXIT

run_stage() {
    local name="$1" start=$SECONDS
    CURRENT="$name"
    "stage_$name"
    SUMMARY+=("$name ($((SECONDS - start))s)")
    CURRENT=""
}

main() {
    [ "$#" -gt 0 ] || set -- test
    local stage
    for stage in "$@"; do
        case "$stage" in
            venv) run_stage venv ;;
            link) stage_link ;;
            lint | sanity | units | demo | perf | live_check)
                run_stage venv
                stage_link
                export_env
                run_stage "$stage"
                ;;
            integration | integration_dialects | pytest | reliability_report | servers)
                run_stage venv
                stage_link
                export_env
                run_stage servers
                [ "$stage" = servers ] || run_stage "$stage"
                ;;
            test)
                run_stage venv
                stage_link
                export_env
                run_stage lint
                run_stage sanity
                run_stage servers
                run_stage pytest
                printf '\nmake test: all stages passed in %ss: %s\n' "$((SECONDS - SUITE_START))" "${SUMMARY[*]}"
                ;;
            clean | distclean) "stage_$stage" ;;
            *) die "unknown stage '$stage' (venv, link, lint, sanity, servers, units, integration, integration_dialects, pytest, test, demo, perf, reliability_report, clean, distclean)" ;;
        esac
    done
}

main "$@"
