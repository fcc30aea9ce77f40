#!/usr/bin/env bash
# Which stacks a change touches. Reads the changed paths (relative to the repository root, one a line) on
# stdin and prints a JSON array of stack names: `shared` (project fintrax-cluster in cluster/) first, then the
# environment stacks in promotion order (dev, staging, prod), then any others (preview environments, pr-<n>).
# Run it from the repository root: the environment stacks are the Pulumi.<stack>.yaml files there, so a stack
# file that the change deletes names no stack (nothing is previewed or deployed for it).
#
#   cluster/**                                    -> shared
#   index.ts, Pulumi.yaml                         -> every environment stack (the environment program)
#   Pulumi.<stack>.yaml                           -> that stack
#   components/**, config/**, policies/**,        -> every stack: both programs are made of these components
#   package.json, package-lock.json, tsconfig.json   and config schemas, and the policy pack judges them all
#   anything else (docs, tests, plan/, .github/)  -> none
set -euo pipefail
shopt -s nullglob

envs=()
for stack in dev staging prod; do
  if [[ -f "Pulumi.$stack.yaml" ]]; then envs+=("$stack"); fi
done
for file in Pulumi.*.yaml; do
  stack=${file#Pulumi.}
  stack=${stack%.yaml}
  case " ${envs[*]} " in
    *" $stack "*) ;;
    *) envs+=("$stack") ;;
  esac
done

declare -A touched=()
touch_environments() { for stack in "${envs[@]}"; do touched[$stack]=1; done; }

while IFS= read -r path; do
  case "$path" in
    cluster/*) touched[shared]=1 ;;
    index.ts | Pulumi.yaml) touch_environments ;;
    Pulumi.*.yaml)
      stack=${path#Pulumi.}
      touched[${stack%.yaml}]=1
      ;;
    components/* | config/* | policies/* | package.json | package-lock.json | tsconfig.json)
      touched[shared]=1
      touch_environments
      ;;
  esac
done

out=()
for stack in shared "${envs[@]}"; do
  if [[ -n "${touched[$stack]:-}" ]]; then out+=("\"$stack\""); fi
done
(IFS=,; echo "[${out[*]}]")
