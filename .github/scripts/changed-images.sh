#!/usr/bin/env bash
# hardline: the images a pull request changes, as a JSON array for a job matrix.
#
#   changed-images.sh BASE_SHA [HEAD]      (HEAD defaults to HEAD; run in the checkout)
#
# An image is a folder images/<name>/ that still has a Dockerfile at HEAD: a pull request that
# deletes an image, or touches only a README outside any image, gates nothing. Writes
# `images=[...]` to $GITHUB_OUTPUT and prints the array.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

base=${1:?usage: changed-images.sh BASE_SHA [HEAD]}
head=${2:-HEAD}
[[ $base =~ ^[0-9a-f]{40}$ ]] || { note "BASE_SHA is not a commit SHA: $base"; exit 1; }

names=()
while IFS= read -r path; do
    name=${path#images/}
    name=${name%%/*}
    [ "$name" != "$path" ] || continue
    valid_image_name "$name" || { note "skipping images/$name: not a valid image name"; continue; }
    # A plain `[ -f … ] && echo` as the loop's last command would end the script under -e
    # when the last folder has no Dockerfile; an explicit if never does.
    if git cat-file -e "$head:images/$name/Dockerfile" 2>/dev/null; then
        names+=("$name")
    fi
done < <(git diff --name-only "$base...$head" -- images/ | awk -F/ 'NF > 2')

if [ "${#names[@]}" -eq 0 ]; then
    images='[]'
else
    images=$(printf '%s\n' "${names[@]}" | sort -u | jq -R . | jq -sc .)
fi
set_output images "$images"
printf '%s\n' "$images"
