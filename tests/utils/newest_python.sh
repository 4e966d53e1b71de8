#!/usr/bin/env bash
# Print the path of the newest Python 3 on this machine (pyenv's versions, then the system's
# python3.N), if it is at least the given minimum; otherwise explain and fail.
set -euo pipefail
minimum=${1:-3.12}

candidates() {
    local root
    root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
    for python in "$root"/versions/3.*/bin/python3 /usr/bin/python3.* /usr/local/bin/python3.*; do
        [[ $python =~ (/python3|python3\.[0-9]+)$ ]] && echo "$python"
    done
    return 0
}

best=""
best_version=""
while IFS= read -r python; do
    [ -x "$python" ] || continue
    version=$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) || continue
    if [ -z "$best" ] || [ "$(printf '%s\n%s\n' "$best_version" "$version" | sort -V | tail -1)" != "$best_version" ]; then
        best=$python
        best_version=$version
    fi
done < <(candidates)

if [ -z "$best" ] || [ "$(printf '%s\n%s\n' "$minimum" "$best_version" | sort -V | head -1)" != "$minimum" ]; then
    echo "no Python $minimum or newer on this machine (looked in pyenv's versions and /usr/bin/python3.N;" \
         "newest found: ${best_version:-none}). Install one, e.g. 'apt-get install python3.13-venv'" \
         "or 'pyenv install 3.13', then rerun." >&2
    exit 1
fi
echo "$best"
