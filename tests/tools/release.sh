#!/usr/bin/env bash
# Release checks of mailops.sendgrid (see tests/tools/README.md). Not part of `make test`: these need
# the heavier tools of requirements-release.txt, installed into their own virtualenv (.venv-release).
#
#   tests/tools/release.sh STAGE...
#
# Stages:
#   venv         (re)build .venv-release from requirements-release.txt
#   docs         antsibull-docs lint-collection-docs --plugin-docs, then the docsite (antsibull-docs +
#                Sphinx) into .build/docs/build/html, then a broken-link check of the built HTML
#   screenshots  headless Chromium screenshots of the built docsite into .build/docs/screenshots
#   dist         ansible-galaxy collection build into .build/dist
#   importer     galaxy-importer (as Galaxy runs it, without its container steps) on the tarball
#   artifact     dist + importer + the tarball installed with --offline into a clean virtualenv holding
#                only ansible-core, requests and dnspython, and the demo run against that install
#   matrix       nox + antsibull-nox (noxfile.py, antsibull-nox.toml): docs-check, extra-checks, build-import-check,
#                ansible-test sanity + units on every maintained ansible-core line, oldest and newest Python
#
# Environment knobs: PYTHON (python3.11), RELEASE_VENV (.venv-release), CHROMIUM (chromium),
#                    NOX_ARGS (extra nox arguments, e.g. "-s ansible-test-sanity-2.21-py3.13").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"

PYTHON="${PYTHON:-python3.11}"
RELEASE_VENV="${RELEASE_VENV:-.venv-release}"
case "$RELEASE_VENV" in /*) ;; *) RELEASE_VENV="$ROOT/$RELEASE_VENV" ;; esac
CHROMIUM="${CHROMIUM:-chromium}"
NOX_ARGS="${NOX_ARGS:-}"
BUILD="$ROOT/.build"
COLLECTIONS="$BUILD/collections"
DOCS="$BUILD/docs"
DIST="$BUILD/dist"
ARTIFACT="$BUILD/artifact"
STAMP="$RELEASE_VENV/.requirements-release.sha256"

log() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() {
    printf '\nERROR: %s\n' "$*" >&2
    exit 1
}

galaxy_version() { sed -n 's/^version: *//p' "$ROOT/galaxy.yml" | tr -d "\"'"; }
tarball() { printf '%s/mailops-sendgrid-%s.tar.gz' "$DIST" "$(galaxy_version)"; }

# A requirement's pinned version from requirements-dev.txt (the versions `make test` uses).
dev_pin() { sed -n "s/^$1==//p" requirements-dev.txt; }

stage_venv() {
    command -v "$PYTHON" >/dev/null 2>&1 || die "'$PYTHON' not found: install Python 3.11 or run with PYTHON=/path/to/python3.11"
    local want
    want="$(sha256sum requirements-release.txt | cut -d' ' -f1) $("$PYTHON" -c 'import sys; print("python-%d.%d.%d" % sys.version_info[:3])')"
    mkdir -p "$BUILD"
    (
        exec 9>"$BUILD/.venv-release.lock"
        flock 9
        if [ -x "$RELEASE_VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
            exit 0
        fi
        log "venv: building ${RELEASE_VENV#"$ROOT"/} from requirements-release.txt"
        rm -rf "$RELEASE_VENV"
        "$PYTHON" -m venv "$RELEASE_VENV"
        "$RELEASE_VENV/bin/python" -m pip install --quiet --quiet --disable-pip-version-check -r requirements-release.txt ||
            {
                rm -rf "$RELEASE_VENV"
                die "venv: pip install -r requirements-release.txt failed"
            }
        printf '%s\n' "$want" >"$STAMP"
    )
}

# The checkout as ansible_collections/mailops/sendgrid (the harness's link), and the release tools first on PATH.
use_release_env() {
    bash tests/tools/harness.sh link
    export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS"
    unset ANSIBLE_COLLECTIONS_PATHS
    export PATH="$RELEASE_VENV/bin:$PATH"
    export ANSIBLE_NOCOLOR=1
}

stage_docs() {
    use_release_env
    log "docs: antsibull-docs lint-collection-docs --plugin-docs"
    antsibull-docs lint-collection-docs --plugin-docs "$COLLECTIONS/ansible_collections/mailops/sendgrid"
    note "lint-collection-docs: ok"

    log "docs: antsibull-docs sphinx-init + collection into ${DOCS#"$ROOT"/}"
    rm -rf "$DOCS"
    mkdir -p "$DOCS"
    antsibull-docs sphinx-init --use-current --dest-dir "$DOCS" --fail-on-error \
        --index-rst-source tests/tools/docsite/index.rst mailops.sendgrid >/dev/null
    cat tests/tools/docsite/conf_extra.py.in >>"$DOCS/conf.py"
    (
        cd "$DOCS"
        chmod og-w rst
        antsibull-docs --config-file antsibull-docs.cfg collection --use-current --fail-on-error \
            --dest-dir rst mailops.sendgrid
    )
    # The Markdown reports of the reliability suite and the benchmark (see guide_reliability/performance).
    mkdir -p "$DOCS/rst/reports"
    local report title
    for report in reliability performance; do
        if [ -f "docs/$report.md" ]; then
            cp "docs/$report.md" "$DOCS/rst/reports/$report.md"
        else
            title="$(printf '%s' "$report" | sed 's/./\U&/')"
            printf '# %s\n\ndocs/%s.md has not been generated yet in this checkout.\n' "$title" "$report" >"$DOCS/rst/reports/$report.md"
            note "docs/$report.md does not exist: the $report report page says so"
        fi
    done

    log "docs: sphinx-build (warnings are errors)"
    sphinx-build -q -W --keep-going -b html -c "$DOCS" "$DOCS/rst" "$DOCS/build/html"
    log "docs: every module page has its parameters, examples and return values"
    python - "$DOCS/build/html/collections/mailops/sendgrid" plugins/modules <<'PY'
import re
import sys
from pathlib import Path

site, modules = Path(sys.argv[1]), sorted(p.stem for p in Path(sys.argv[2]).glob("sendgrid_*.py"))
missing = []
for module in modules:
    page = site / ("%s_module.html" % module)
    html = page.read_text(encoding="utf-8") if page.exists() else ""
    for section in ("parameters", "examples", "return-values"):
        if not re.search(r'id="%s"' % section, html):
            missing.append("%s: %s" % (page.name, section))
if missing or not modules:
    sys.exit("docs: missing module pages or sections: %s" % (missing or "no modules found"))
print("    %d module pages, each with parameters, examples and return values" % len(modules))
PY
    log "docs: broken-link check"
    python tests/tools/check_links.py "$DOCS/build/html"
    note "site: $DOCS/build/html/index.html"
}

stage_screenshots() {
    local html="$DOCS/build/html" shots="$DOCS/screenshots"
    [ -f "$html/index.html" ] || die "screenshots: build the docsite first (make docs)"
    command -v "$CHROMIUM" >/dev/null 2>&1 || die "screenshots: '$CHROMIUM' not found (apt-get install chromium)"
    rm -rf "$shots"
    mkdir -p "$shots"
    local page name
    while IFS= read -r page; do
        name="$(printf '%s' "${page#"$html"/}" | tr '/' '_' | sed 's/\.html$//')"
        "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking --hide-scrollbars \
            --window-size=1280,4000 --screenshot="$shots/$name.png" "file://$page" >/dev/null 2>&1 ||
            die "screenshots: chromium failed on $page"
    done < <(find "$html" -name '*.html' \( -path '*/collections/mailops/sendgrid/*' -o -path "$html/index.html" -o -path '*/reports/*' \) | sort)
    note "$(find "$shots" -name '*.png' | wc -l) screenshots in $shots"
}

stage_dist() {
    use_release_env
    log "dist: ansible-galaxy collection build"
    rm -rf "$DIST"
    mkdir -p "$DIST"
    ansible-galaxy collection build --output-path "$DIST" . >/dev/null
    [ -f "$(tarball)" ] || die "dist: $(tarball) was not written"
    note "$(tarball): $(tar tzf "$(tarball)" | wc -l) entries, $(du -k "$(tarball)" | cut -f1) KiB"
    # What must never ship, and what users need.
    local listing forbidden
    listing="$(tar tzf "$(tarball)")"
    forbidden="$(printf '%s\n' "$listing" | grep -E '(^|/)(\.venv[^/]*|\.build|\.git|\.nox|\.tox|__pycache__|\.pytest_cache|\.ruff_cache|\.mypy_cache|tests/output)(/|$)|\.pyc$|\.tar\.gz$' || true)"
    [ -z "$forbidden" ] || die "dist: the tarball contains files that must not ship:
$forbidden"
    local needed
    for needed in README.md LICENSE CHANGELOG.md meta/runtime.yml meta/execution-environment.yml requirements.txt \
        changelogs/changelog.yaml plugins/modules/sendgrid_domain_auth.py roles/sender_setup/meta/argument_specs.yml \
        playbooks/sender_setup.yml playbooks/demo/vars.yml docs/docsite/extra-docs.yml; do
        printf '%s\n' "$listing" | grep -qx "$needed" || die "dist: the tarball lacks $needed"
    done
}

stage_importer() {
    use_release_env
    log "importer: galaxy-importer $(tarball | xargs basename) (tests/tools/galaxy-importer.cfg)"
    local out="$DIST/importer"
    rm -rf "$out"
    mkdir -p "$out"
    # It also writes importer_result.json into the current directory: run it in $out.
    (cd "$out" && GALAXY_IMPORTER_CONFIG="$ROOT/tests/tools/galaxy-importer.cfg" \
        python -m galaxy_importer.main --print-result "$(tarball)" >"$out/result.json" 2>"$out/log.txt") || {
        cat "$out/log.txt" >&2
        die "importer: galaxy-importer failed"
    }
    cat "$out/log.txt"
    # The result lists ansible-lint's findings and the documentation of every plugin.
    python - "$out/result.json" <<'PY'
import json
import sys

text = open(sys.argv[1], encoding="utf-8").read()
result = json.loads(text[text.index("{"):])
contents = result.get("contents") or []
modules = sorted(item["name"] for item in contents if item.get("content_type") == "module")
roles = sorted(item["name"] for item in contents if item.get("content_type") == "role")
lint = [line for line in (result.get("import_result") or {}).get("ansible_lint", []) or []]
print("    importer: %d modules, roles %s, docs_blob for %d plugins, requires_ansible %s" % (
    len(modules), roles, len((result.get("docs_blob") or {}).get("contents") or []), result.get("requires_ansible")))
if not modules:
    sys.exit("importer: no module in the import result")
PY
}

stage_artifact() {
    stage_dist
    stage_importer
    log "artifact: a clean virtualenv with only ansible-core, requests and dnspython"
    rm -rf "$ARTIFACT"
    mkdir -p "$ARTIFACT"
    "$PYTHON" -m venv "$ARTIFACT/venv"
    "$ARTIFACT/venv/bin/python" -m pip install --quiet --quiet --disable-pip-version-check \
        "ansible-core==$(dev_pin ansible-core)" "requests==$(dev_pin requests)" "dnspython==$(dev_pin dnspython)"
    note "$("$ARTIFACT/venv/bin/python" -m pip list --format freeze --disable-pip-version-check | tr '\n' ' ')"
    log "artifact: ansible-galaxy collection install --offline $(tarball | xargs basename)"
    # Nothing of the checkout is visible from here on: no PYTHONPATH, only the install directory.
    env -u PYTHONPATH -u ANSIBLE_COLLECTIONS_PATHS ANSIBLE_COLLECTIONS_PATH="$ARTIFACT/collections" \
        "$ARTIFACT/venv/bin/ansible-galaxy" collection install --offline "$(tarball)" -p "$ARTIFACT/collections"
    env -u PYTHONPATH ANSIBLE_COLLECTIONS_PATH="$ARTIFACT/collections" \
        "$ARTIFACT/venv/bin/ansible-galaxy" collection list mailops.sendgrid
    env -u PYTHONPATH ANSIBLE_COLLECTIONS_PATH="$ARTIFACT/collections" ANSIBLE_NOCOLOR=1 PAGER=cat \
        "$ARTIFACT/venv/bin/ansible-doc" mailops.sendgrid.sendgrid_domain_auth | head -3
    log "artifact: the README's main command (the demo) against the installed collection"
    [ -x .venv/bin/python ] || bash tests/tools/harness.sh venv
    # The simulator runs from the checkout with the dev venv; ansible-playbook and the modules run from
    # the clean venv, on the installed collection.
    env -u PYTHONPATH -u ANSIBLE_COLLECTIONS_PATH \
        MAILOPS_COLLECTIONS_PATH="$ARTIFACT/collections" MAILOPS_PYTHON="$ARTIFACT/venv/bin/python" \
        .venv/bin/python -m tests.tools.demo
}

stage_matrix() {
    use_release_env
    log "matrix: nox $NOX_ARGS (noxfile.py)"
    # shellcheck disable=SC2086 # NOX_ARGS is a list of words on purpose
    nox --no-color $NOX_ARGS
}

main() {
    [ "$#" -gt 0 ] || die "usage: tests/tools/release.sh STAGE... (venv, docs, screenshots, dist, importer, artifact, matrix)"
    local stage start
    for stage in "$@"; do
        start=$SECONDS
        case "$stage" in
            venv) stage_venv ;;
            docs | dist | importer | artifact | matrix)
                stage_venv
                "stage_$stage"
                ;;
            screenshots) stage_screenshots ;;
            *) die "unknown stage '$stage' (venv, docs, screenshots, dist, importer, artifact, matrix)" ;;
        esac
        printf '%s: ok (%ss)\n' "$stage" "$((SECONDS - start))"
    done
}

main "$@"
