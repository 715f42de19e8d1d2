# bash completion for pigment-export                                  -*- shell-script -*-
#
# Installed as share/bash-completion/completions/pigment-export (loaded on demand by the
# bash-completion package), or source it from ~/.bashrc. Keep the option list in step with
# `pigment-export --help`: tests/deploy/check_deploy_files.sh fails when an option is missing.

_pigment_export()
{
    local cur prev
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=""
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

    # "--option=value": COMP_WORDBREAKS usually splits it into "--option" "=" "value".
    if [[ $cur == "=" && $prev == --* ]]; then
        cur=""
    elif [[ $prev == "=" ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi

    local options="--help --version --config
        --block-type --block-id --pigment-url --pigment-api --field-delimiter --date-format --export-options
        --key-vault-url --secret-name --secret-version --api-key-file --credential --client-id
        --dest --storage-api --overwrite --no-overwrite --if-changed --no-if-changed --chunk-size --parallel
        --compress --compress-level
        --min-rows --expect-header --manifest --jobs
        --max-retries --ca-bundle --connect-timeout --stall-timeout --timeout
        --log-level --log-format --progress --summary-json --dry-run"

    case $prev in
        --block-type)   COMPREPLY=($(compgen -W "view list metric table" -- "$cur")); return ;;
        --pigment-api)  COMPREPLY=($(compgen -W "v1 legacy" -- "$cur")); return ;;
        --field-delimiter)
            # quoted, or the shell would take ';' as a command separator
            local d
            for d in "';'" "','"; do [[ $d == "$cur"* ]] && COMPREPLY+=("$d"); done
            return ;;
        --date-format)  COMPREPLY=($(compgen -W "legacy iso8601" -- "$cur")); return ;;
        --credential)
            COMPREPLY=($(compgen -W "auto managed-identity workload-identity client-secret azure-cli" -- "$cur"))
            return ;;
        --storage-api)  COMPREPLY=($(compgen -W "auto dfs blob" -- "$cur")); return ;;
        --compress)     COMPREPLY=($(compgen -W "gzip zstd none" -- "$cur")); return ;;
        --log-level)    COMPREPLY=($(compgen -W "trace debug info warn error off" -- "$cur")); return ;;
        --log-format)   COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
        --progress)     COMPREPLY=($(compgen -W "auto on off" -- "$cur")); return ;;
        --chunk-size)   COMPREPLY=($(compgen -W "1MiB 4MiB 8MiB 16MiB 32MiB 64MiB" -- "$cur")); return ;;
        --api-key-file | --config | --ca-bundle | --manifest)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --summary-json)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            [[ -z $cur || $cur == - ]] && COMPREPLY+=("-")
            return ;;
        --export-options)
            # a JSON object, or @FILE
            if [[ $cur == @* ]]; then
                compopt -o filenames 2>/dev/null
                local f
                while IFS= read -r f; do COMPREPLY+=("@$f"); done < <(compgen -f -- "${cur#@}")
            fi
            return ;;
        --dest)
            # a local path (or file:///path), - for stdout, or an abfss:// / https:// URL
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            [[ -z $cur ]] && COMPREPLY+=("-" "abfss://")
            return ;;
        --block-id | --pigment-url | --key-vault-url | --secret-name | --secret-version | --client-id | \
        --parallel | --compress-level | --jobs | --min-rows | --expect-header | --max-retries | --connect-timeout | --stall-timeout | --timeout)
            return ;;  # free-form values
    esac

    if [[ $cur == -* || -z $cur ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
    fi
    # `pigment-export check ...`: the preflight, as the first word
    if ((COMP_CWORD == 1)) && [[ check == "$cur"* && $cur != -* ]]; then
        COMPREPLY+=(check)
    fi
}
complete -F _pigment_export pigment-export
