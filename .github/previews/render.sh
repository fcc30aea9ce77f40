#!/usr/bin/env bash
# Writes Pulumi.pr-<n>.yaml, the stack file of pull request <n>'s preview environment, from
# previews/Pulumi.pr.template.yaml, and prints the environment's URL. Run it from the repository root.
#
#   bash .github/previews/render.sh 42   ->  Pulumi.pr-42.yaml, https://pr-42.fintrax.example.com
set -euo pipefail
number=${1:-}
if [[ ! "$number" =~ ^[1-9][0-9]{0,15}$ ]]; then
  echo "usage: render.sh PULL_REQUEST_NUMBER (got '$number')" >&2
  exit 2
fi
sed "s/PR_NUMBER/$number/g" previews/Pulumi.pr.template.yaml > "Pulumi.pr-$number.yaml"
domain=$(sed -n 's/^ *fintrax:domain: *\([^ #]*\).*$/\1/p' "Pulumi.pr-$number.yaml")
echo "https://pr-$number.$domain"
