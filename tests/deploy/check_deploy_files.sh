#!/usr/bin/env bash
# Checks the operational files against each other and against the real binary:
#   completions/ (bash, zsh), docs/pigment-export.1, Dockerfile, deploy/*.yaml, deploy/config-example.toml,
#   and the pigment-export options used in docs/{cron,ci,kubernetes,migrating-from-data-factory}.md.
# Usage: check_deploy_files.sh SOURCE_DIR PIGMENT_EXPORT_BINARY
# Exits non-zero when any check fails, after printing every failure.
set -uo pipefail

src=${1:?usage: $0 SOURCE_DIR PIGMENT_EXPORT_BINARY}
bin=${2:?usage: $0 SOURCE_DIR PIGMENT_EXPORT_BINARY}
cd "$src" || exit 2

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok:   $*"; }

bash_completion=completions/pigment-export.bash
zsh_completion=completions/_pigment-export
man_page=docs/pigment-export.1

# ---- the options of the real binary -------------------------------------------------------------
help_text=$("$bin" --help 2>&1)
rc=$?
if ((rc != 0)); then
    fail "'$bin --help' exited $rc"
    help_text=""
fi
# Long options from the option table (everything before the Examples footer).
mapfile -t help_options < <(printf '%s\n' "$help_text" | sed '/^Examples:/,$d' | grep -E '^ +-' |
                            grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
if ((${#help_options[@]} < 20)); then
    fail "found only ${#help_options[@]} long options in --help (parsing broke?)"
else
    pass "--help lists ${#help_options[@]} long options"
fi
declare -A is_option=()
for opt in "${help_options[@]}"; do is_option[$opt]=1; done

has_word() {  # has_word FILE OPTION: OPTION as a whole word (troff \- read as -)
    # (no `| grep -q`: with pipefail, sed's SIGPIPE after an early match would count as a miss)
    local text; text=$(sed 's/\\-/-/g' "$1")
    grep -qE -- "(^|[^a-zA-Z0-9-])$2([^a-zA-Z0-9-]|\$)" <<<"$text"
}
for file in "$bash_completion" "$zsh_completion" "$man_page"; do
    [[ -f $file ]] || { fail "$file is missing"; continue; }
    missing=()
    for opt in "${help_options[@]}"; do has_word "$file" "$opt" || missing+=("$opt"); done
    if ((${#missing[@]})); then fail "$file lacks ${missing[*]}"; else pass "$file has every long option of --help"; fi
done

# ---- bash completion ----------------------------------------------------------------------------
if bash -n "$bash_completion" 2>/dev/null; then pass "bash -n $bash_completion"; else fail "bash -n $bash_completion"; fi
spec=$(bash --norc --noprofile -c "source '$bash_completion' && complete -p pigment-export" 2>&1)
if [[ $spec == "complete -F _pigment_export pigment-export" ]]; then
    pass "sourcing $bash_completion registers: $spec"
else
    fail "sourcing $bash_completion: 'complete -p pigment-export' gave '$spec'"
fi
# Drive the completion function: enum values and option names.
complete_words() {  # complete_words WORD... -> the candidates for the last word, space-separated
    bash --norc --noprofile -c '
        source "$0"
        COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
        _pigment_export
        echo "${COMPREPLY[*]}"' "$bash_completion" pigment-export "$@" 2>&1
}
expect_completion() {  # expect_completion "EXPECTED" WORD...
    local expected=$1; shift
    local got; got=$(complete_words "$@")
    if [[ $got == "$expected" ]]; then pass "bash completes '$*' -> '$got'"; else fail "bash completes '$*' -> '$got', expected '$expected'"; fi
}
expect_completion "view list metric table" --block-type ""
expect_completion "managed-identity" --credential ma
expect_completion "workload-identity" --credential = w
expect_completion "v1 legacy" --pigment-api ""
expect_completion "auto dfs blob" --storage-api ""
expect_completion "trace debug info warn error off" --log-level ""
expect_completion "text json" --log-format ""
expect_completion "auto on off" --progress ""
expect_completion "legacy iso8601" --date-format ""
expect_completion "--no-overwrite" --no-o
expect_completion "check" ch
expect_completion "@$man_page" --export-options "@${man_page%.1}"
expect_completion "$man_page" --config "${man_page%.1}"
# Enum values offered by the completions must be accepted by the binary (and refused ones refused).
for pair in "--block-type view" "--block-type table" "--pigment-api legacy" "--date-format iso8601" \
            "--credential azure-cli" "--log-level off" "--log-format json" "--progress off"; do
    # A repeated option is refused, and --credential applies only where an Azure credential is used:
    # the base command leaves out the option under test and names a Key Vault for --credential.
    base=(--block-type metric)
    [[ $pair == --block-type* ]] && base=()
    [[ $pair == --credential* ]] && base+=(--key-vault-url https://kv.vault.azure.net --secret-name pigment-key)
    # shellcheck disable=SC2086
    if PIGMENT_API_KEY=dummy "$bin" "${base[@]}" --block-id 3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b \
           --dest - --dry-run $pair >/dev/null 2>&1; then
        pass "the binary accepts $pair"
    else
        fail "the binary refuses $pair, which the completions offer"
    fi
done

# ---- zsh completion ------------------------------------------------------------------------------
head -1 "$zsh_completion" | grep -qx '#compdef pigment-export' && pass "$zsh_completion starts with #compdef" ||
    fail "$zsh_completion must start with '#compdef pigment-export'"
grep -q '_arguments' "$zsh_completion" && pass "$zsh_completion uses _arguments" || fail "$zsh_completion has no _arguments"
if command -v zsh >/dev/null; then
    if zsh -n "$zsh_completion" 2>/dev/null; then pass "zsh -n $zsh_completion"; else fail "zsh -n $zsh_completion"; fi
else
    echo "skip: zsh is not installed; zsh -n not run"
fi

# ---- man page ------------------------------------------------------------------------------------
grep -qE '^\.TH PIGMENT-EXPORT 1 ' "$man_page" && pass "$man_page has .TH PIGMENT-EXPORT 1" || fail "$man_page lacks '.TH PIGMENT-EXPORT 1'"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES; do
    grep -qE "^\.SH \"?$section\"?\$" "$man_page" || fail "$man_page lacks the section $section"
done
for code in 0 1 2 3 4 5 6 130; do
    grep -qE "^\.B(R)? $code( |\$|,)" "$man_page" || fail "$man_page does not describe exit code $code"
done
version=$("$bin" --version 2>/dev/null | awk '{print $NF}')
if [[ -n $version ]] && grep -qE "^\.TH .*\"pigment-export $version\"" "$man_page"; then
    pass "$man_page names version $version"
else
    fail "$man_page's .TH does not name the binary's version '$version'"
fi
if command -v groff >/dev/null; then
    warnings=$(groff -man -Tutf8 -ww -z "$man_page" 2>&1)
    if [[ -z $warnings ]]; then pass "groff -man -ww: no warnings"; else fail "groff warnings on $man_page: $warnings"; fi
fi

# ---- Dockerfile ----------------------------------------------------------------------------------
dockerfile=Dockerfile
if [[ -f $dockerfile ]]; then
    from_count=$(grep -ciE '^FROM ' "$dockerfile")
    ((from_count >= 2)) && pass "Dockerfile is multi-stage ($from_count FROM lines)" || fail "Dockerfile is not multi-stage"
    grep -qE '^FROM debian:bookworm-slim AS [a-z]+' "$dockerfile" || fail "Dockerfile's build stage is not a named debian:bookworm-slim stage"
    last_from=$(grep -iE '^FROM ' "$dockerfile" | tail -1)
    [[ $last_from == "FROM debian:bookworm-slim"* ]] || fail "Dockerfile's runtime stage is '$last_from', not debian:bookworm-slim"
    grep -qE '^COPY --from=' "$dockerfile" || fail "Dockerfile's runtime stage copies nothing from the build stage"
    user=$(grep -E '^USER ' "$dockerfile" | tail -1 | awk '{print $2}')
    if [[ -z $user ]]; then
        fail "Dockerfile has no USER line"
    elif [[ ${user%%:*} == root || ${user%%:*} == 0 ]]; then
        fail "Dockerfile runs as root (USER $user)"
    else
        pass "Dockerfile runs as USER $user"
    fi
    grep -qE '^ENTRYPOINT \["pigment-export"\]' "$dockerfile" && pass "Dockerfile ENTRYPOINT [\"pigment-export\"]" ||
        fail "Dockerfile lacks ENTRYPOINT [\"pigment-export\"]"
    grep -q 'ca-certificates' "$dockerfile" || fail "Dockerfile's runtime stage does not install ca-certificates"
    grep -q -- '-DPIGMENT_TESTS=OFF' "$dockerfile" || fail "Dockerfile does not build with -DPIGMENT_TESTS=OFF"
    # Every COPY source of the build stage must get through .dockerignore's allow-list.
    if [[ -f .dockerignore ]]; then
        while read -r source; do
            grep -qxF "!$source" .dockerignore || grep -qxF "!${source%/}" .dockerignore ||
                fail ".dockerignore excludes '$source', which the Dockerfile copies"
        done < <(grep -E '^COPY [^-]' "$dockerfile" | awk '{for (i = 2; i < NF; i++) print $i}')
    else
        fail ".dockerignore is missing"
    fi
    if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
        docker build -q -t pigment-export:check . >/dev/null && pass "docker build" || fail "docker build"
    else
        echo "skip: no Docker engine; docker build not run"
    fi
else
    fail "Dockerfile is missing"
fi

# ---- the example configuration, with the real binary ----------------------------------------------
config=deploy/config-example.toml
if out=$(env -u PIGMENT_DEST -u PIGMENT_BLOCK_ID -u PIGMENT_BLOCK_TYPE PIGMENT_API_KEY=dummy \
         "$bin" --config "$config" --dry-run 2>&1); then
    pass "pigment-export --config $config --dry-run exits 0"
else
    fail "pigment-export --config $config --dry-run failed: $out"
fi
# Every key must be a long option (CLI11 ignores unknown keys silently).
while read -r key; do
    [[ -n ${is_option[--$key]:-} ]] || fail "$config: '$key' is not an option of pigment-export"
done < <(grep -oE '^[a-z][a-z0-9-]* *=' "$config" | tr -d ' =')

# ---- Kubernetes manifests ---------------------------------------------------------------------------
if [[ ${PE_CHECK_NO_YAML:-} != 1 ]] && python3 -c 'import yaml' 2>/dev/null; then
    python3 - "$bin" <<'PY' || failures=$((failures + 1))
import os, subprocess, sys, tempfile
import yaml

binary = sys.argv[1]
errors = []

def check(condition, message):
    print(("ok:   " if condition else "FAIL: ") + message, file=sys.stdout if condition else sys.stderr)
    if not condition:
        errors.append(message)

def load(path):
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    check(len(docs) == 1, f"{path} parses as one YAML document")
    return docs[0] if docs else {}

sa = load("deploy/serviceaccount.yaml")
cm = load("deploy/configmap.yaml")
cj = load("deploy/cronjob.yaml")
kz = load("deploy/kustomization.yaml")

check(sa.get("kind") == "ServiceAccount" and sa.get("apiVersion") == "v1", "serviceaccount.yaml is a v1 ServiceAccount")
annotations = (sa.get("metadata") or {}).get("annotations") or {}
check("azure.workload.identity/client-id" in annotations, "the ServiceAccount has the azure.workload.identity/client-id annotation")

check(cj.get("kind") == "CronJob" and cj.get("apiVersion") == "batch/v1", "cronjob.yaml is a batch/v1 CronJob")
spec = cj.get("spec") or {}
check(spec.get("concurrencyPolicy") == "Forbid", "CronJob concurrencyPolicy: Forbid")
check(isinstance(spec.get("schedule"), str) and len(spec["schedule"].split()) == 5, "CronJob has a five-field schedule")
job = (spec.get("jobTemplate") or {}).get("spec") or {}
check(isinstance(job.get("backoffLimit"), int), "Job backoffLimit is set")
template = job.get("template") or {}
labels = (template.get("metadata") or {}).get("labels") or {}
check(labels.get("azure.workload.identity/use") == "true", 'pod label azure.workload.identity/use: "true" (a string)')
pod = template.get("spec") or {}
check(pod.get("serviceAccountName") == (sa.get("metadata") or {}).get("name"), "the pod uses the ServiceAccount of serviceaccount.yaml")
check(pod.get("restartPolicy") == "Never", "restartPolicy: Never (required by podFailurePolicy; the Job retries)")
pod_sc = pod.get("securityContext") or {}
containers = pod.get("containers") or []
check(len(containers) == 1, "the pod has one container")
c = containers[0] if containers else {}
sc = c.get("securityContext") or {}
check(sc.get("runAsNonRoot") is True or pod_sc.get("runAsNonRoot") is True, "runAsNonRoot: true")
check(sc.get("readOnlyRootFilesystem") is True, "readOnlyRootFilesystem: true")
check(sc.get("allowPrivilegeEscalation") is False, "allowPrivilegeEscalation: false")
check("ALL" in ((sc.get("capabilities") or {}).get("drop") or []), "capabilities drop ALL")
run_as = sc.get("runAsUser", pod_sc.get("runAsUser"))
check(isinstance(run_as, int) and run_as != 0, "runAsUser is a non-zero uid")

def mebibytes(q):
    q = str(q)
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024}
    for u, f in units.items():
        if q.endswith(u):
            return float(q[:-2]) * f
    return float(q) / (1 << 20)

res = c.get("resources") or {}
req, lim = res.get("requests") or {}, res.get("limits") or {}
check("memory" in req and "memory" in lim, "memory requests and limits are set")
if "memory" in req and "memory" in lim:
    # The default buffers: 4 MiB x (4 + 1) = 20 MiB; measured peak RSS ~40 MiB over HTTP, more with TLS.
    check(48 <= mebibytes(req["memory"]) <= mebibytes(lim["memory"]), "48Mi <= memory request <= memory limit")
    check(mebibytes(lim["memory"]) >= 96, "memory limit leaves room above the measured ~40 MiB peak")

args = c.get("args") or []
check("--config" in args, "the container runs with --config")
if "--config" in args and args.index("--config") + 1 < len(args):
    path = args[args.index("--config") + 1]
    mounts = {m.get("mountPath"): m.get("name") for m in c.get("volumeMounts") or []}
    volume = mounts.get(os.path.dirname(path))
    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    cm_name = ((volumes.get(volume) or {}).get("configMap") or {}).get("name")
    check(cm_name == (cm.get("metadata") or {}).get("name"), f"--config {path} is mounted from the ConfigMap")
    key = os.path.basename(path)
    data = cm.get("data") or {}
    check(key in data, f"the ConfigMap has the key {key}")
    with open("deploy/config-example.toml") as f:
        example = f.read()
    check(data.get(key) == example, f"the ConfigMap's {key} is deploy/config-example.toml verbatim")
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as t:
        t.write(data.get(key, ""))
    env = dict(os.environ, PIGMENT_API_KEY="dummy")
    r = subprocess.run([binary, "--config", t.name, "--dry-run"], env=env, capture_output=True, text=True)
    os.unlink(t.name)
    check(r.returncode == 0, "the ConfigMap's config passes --dry-run" + ("" if r.returncode == 0 else ": " + r.stderr.strip()))
    for m in c.get("volumeMounts") or []:
        if m.get("name") == volume:
            check(m.get("readOnly") is True, "the config is mounted read-only")

rules = ((job.get("podFailurePolicy") or {}).get("rules")) or []
for rule in rules:
    codes = rule.get("onExitCodes")
    if codes:
        check(codes.get("containerName") == c.get("name"), "podFailurePolicy names the container")
        check(0 not in (codes.get("values") or []), "podFailurePolicy never matches exit code 0")

check(kz.get("kind") == "Kustomization", "kustomization.yaml is a Kustomization")
listed = set(kz.get("resources") or [])
check(listed == {"serviceaccount.yaml", "configmap.yaml", "cronjob.yaml"}, "kustomization.yaml lists the three manifests")

sys.exit(1 if errors else 0)
PY
else
    echo "note: PyYAML is not available; structural checks by grep"
    cj=deploy/cronjob.yaml
    grep -qE '^kind: CronJob$' "$cj" || fail "$cj is not a CronJob"
    grep -qE '^  concurrencyPolicy: Forbid$' "$cj" || fail "$cj: concurrencyPolicy: Forbid missing"
    grep -qE '^      backoffLimit: [0-9]+$' "$cj" || fail "$cj: jobTemplate.spec.backoffLimit missing"
    grep -qE '^            azure\.workload\.identity/use: "true"$' "$cj" || fail "$cj: pod label azure.workload.identity/use: \"true\" missing"
    grep -qE '^ +runAsNonRoot: true$' "$cj" || fail "$cj: runAsNonRoot: true missing"
    grep -qE '^ +readOnlyRootFilesystem: true$' "$cj" || fail "$cj: readOnlyRootFilesystem: true missing"
    grep -A6 -E '^ +resources:$' "$cj" | grep -qE '^ +requests:$' || fail "$cj: resources.requests missing"
    grep -A6 -E '^ +resources:$' "$cj" | grep -qE '^ +limits:$' || fail "$cj: resources.limits missing"
    grep -A6 -E '^ +resources:$' "$cj" | grep -qE '^ +memory: [0-9]+Mi$' || fail "$cj: memory resources missing"
    grep -qE '^ +serviceAccountName: pigment-export$' "$cj" || fail "$cj: serviceAccountName missing"
    grep -qE '^    azure\.workload\.identity/client-id: ' deploy/serviceaccount.yaml ||
        fail "deploy/serviceaccount.yaml: azure.workload.identity/client-id annotation missing"
    # The ConfigMap must embed config-example.toml verbatim (4-space indented block).
    if ! diff <(sed -n '/^  config\.toml: |$/,$p' deploy/configmap.yaml | tail -n +2 | sed 's/^    //') \
              deploy/config-example.toml >/dev/null; then
        fail "deploy/configmap.yaml does not embed deploy/config-example.toml verbatim"
    fi
    ((failures == 0)) && pass "Kubernetes manifests (grep)"
fi

# ---- pigment-export options named in the operations docs -----------------------------------------------
# Any --option in a code block of these docs must be a real option or belong to the
# other tool on that line (az, curl, kubectl, flock ...).
foreign='--parameters|--sort-by|--enable-oidc-issuer|--enable-workload-identity|--role|--assignee|--assignee-object-id|--assignee-principal-type|--scope|--name|--resource-group|--identity-name|--issuer|--subject|--audience|--audiences|--query|--output|--id|--vault-name|--value|--account-name|--auth-mode|--resource|--namespace|--for|--timeout|--tail|--since|--selector|--from|--all-containers|--show-error|--fail|--silent|--header|--output-document|--no-install-recommends|--system|--uid|--gid|--home-dir|--shell|--no-create-home|--parallel|--location|--file|--container-name|--pattern|--destination|--source|--dry-run|--wait'
for doc in docs/cron.md docs/ci.md docs/kubernetes.md docs/migrating-from-data-factory.md; do
    [[ -f $doc ]] || { fail "$doc is missing"; continue; }
    unknown=()
    while read -r opt; do
        [[ -n ${is_option[$opt]:-} ]] && continue
        [[ $opt =~ ^($foreign)$ ]] && continue
        unknown+=("$opt")
    done < <(awk '/^```/ {inside = !inside; next} inside' "$doc" | grep -oE -- '(^|[ ="(])--[a-z][a-z0-9-]*' |
             grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
    if ((${#unknown[@]})); then fail "$doc uses options pigment-export does not have: ${unknown[*]}"; else pass "$doc: every --option is known"; fi
done

if ((failures)); then
    echo "check_deploy_files: $failures check(s) failed" >&2
    exit 1
fi
echo "check_deploy_files: all checks passed"
