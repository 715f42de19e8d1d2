#!/usr/bin/env bash
# Checks docs/architecture.md's module map against the tree. Under "## Modules and their floors" each
# folder has a "### <folder>/" heading and a table whose rows start with a file stem in backticks:
#   | `dfs_expiry` | ... |
# A folder's files are its src/<folder>/<stem>.cpp and its header-only
# include/pigment_export/<folder>/<stem>.hpp (no .cpp of that stem). Fails when a file is missing from
# its folder's table, when a row names no such file, or when a stem is listed twice; prints every problem.
# Usage: check_architecture_map.sh SOURCE_DIR
set -uo pipefail

root=${1:?usage: $0 SOURCE_DIR}
doc=docs/architecture.md
cd "$root" || exit 2
if [[ ! -f $doc ]]; then
    echo "FAIL: $doc not found" >&2
    exit 1
fi

# "folder stem" for every file the map must list.
actual() {
    local dir folder file stem
    for dir in src/*/ include/pigment_export/*/; do
        folder=${dir%/}
        folder=${folder##*/}
        for file in "src/$folder"/*.cpp; do
            stem=${file##*/}
            [[ -f $file ]] && echo "$folder ${stem%.cpp}"
        done
        for file in "include/pigment_export/$folder"/*.hpp; do
            stem=${file##*/}
            stem=${stem%.hpp}
            [[ -f $file && ! -f src/$folder/$stem.cpp ]] && echo "$folder $stem"
        done
    done | sort -u
}

# "folder stem" for every row of every folder table in the map section, in document order.
documented() {
    awk '
        /^## / { in_map = ($0 == "## Modules and their floors"); folder = ""; next }
        !in_map { next }
        /^### / { folder = $2; gsub(/[`\/]/, "", folder); next }
        folder != "" && match($0, /^\| *`[^`]+`/) {
            cell = substr($0, RSTART, RLENGTH)
            sub(/^\| *`/, "", cell)
            sub(/`$/, "", cell)
            print folder, cell
        }
    ' "$doc"
}

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

files=$(actual)
listed=$(documented)
if [[ -z $listed ]]; then
    fail "$doc has no folder tables under '## Modules and their floors'"
fi

while read -r folder stem; do
    [[ -z $folder ]] && continue
    if [[ -f src/$folder/$stem.cpp ]]; then
        what="src/$folder/$stem.cpp"
    else
        what="include/pigment_export/$folder/$stem.hpp (header-only)"
    fi
    fail "$what is missing from the '$folder/' table of $doc"
done < <(comm -23 <(cat <<<"$files") <(sort -u <<<"$listed"))

while read -r folder stem; do
    [[ -z $folder ]] && continue
    fail "the '$folder/' table of $doc lists '$stem', but there is no src/$folder/$stem.cpp" \
        "nor include/pigment_export/$folder/$stem.hpp"
done < <(comm -13 <(cat <<<"$files") <(sort -u <<<"$listed"))

while read -r folder stem; do
    [[ -z $folder ]] && continue
    fail "the '$folder/' table of $doc lists '$stem' more than once"
done < <(sort <<<"$listed" | uniq -d)

if ((failures > 0)); then
    echo "$failures problem(s): keep the module tables of $doc in step with src/ and include/" >&2
    exit 1
fi
echo "ok: $doc lists each of the $(wc -l <<<"$files") files under src/ and include/pigment_export/ once"
