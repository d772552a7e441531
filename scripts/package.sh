#!/usr/bin/env bash
# Build the Lambda zip and the CloudFormation template offline, for each AWS region Alexa calls
# from: no AWS account, no credentials. us-east-1 (the manifest's default endpoint) lands in
# OUTPUT_DIR itself, every other region in OUTPUT_DIR/<region>/.
# Usage: scripts/package.sh OUTPUT_DIR [--regions "eu-west-1 ..."] [serverless options, e.g. --stage prod]
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "${1:?usage: scripts/package.sh OUTPUT_DIR [--regions LIST] [options]}")"
shift
selection="" options=()
while (($#)); do
  case "$1" in
    --regions) selection="${2?--regions needs a list}"; shift 2 ;;
    --region | -r) echo "package.sh: name regions with --regions" >&2; exit 2 ;;
    *) options+=("$1"); shift ;;
  esac
done
regions="$(python3 scripts/alexa_regions.py "$selection")"
default_region="$(python3 scripts/alexa_regions.py | cut -d' ' -f1)"
source scripts/sls-env.sh
# Packaging must not need AWS: hide every credential source the AWS SDK would look at.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE
export AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
# The skill id is baked into the trigger; a stand-in keeps offline builds possible.
export SKILL_ID="${SKILL_ID:-amzn1.ask.skill.00000000-0000-0000-0000-000000000000}"

# Serverless stages its work in <service>/.serverless, so builds at once in one checkout would
# trample each other: each region builds in its own private copy of the work tree, all at once,
# and its artifacts are copied out. (Not `--package OUT`: Serverless v3 moves nothing when OUT
# ends in ".serverless".)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# .data/ holds local state and pulled history (people's words): it never leaves the checkout.
tar --exclude=./.git --exclude=./.venv --exclude=./node_modules --exclude=./.serverless \
  --exclude=./.data --exclude=./build --exclude='__pycache__' -cf "$work/tree.tar" .
build() {
  mkdir "$work/$1"
  tar -xf "$work/tree.tar" -C "$work/$1"
  ln -s "$PWD/node_modules" "$work/$1/node_modules"
  (cd "$work/$1" && sls package --region "$1" ${options[@]+"${options[@]}"}) >"$work/$1.log" 2>&1
}
pids=()
for region in $regions; do
  build "$region" &
  pids+=($!)
done

# OUTPUT_DIR holds exactly the regions just built: no artifact of an earlier build stays.
mkdir -p "$out"
rm -rf "$out"/leg-cramp-helper.zip "$out"/cloudformation-template-*.json "$out"/serverless-state.json \
  "$out"/requirements.txt "$out"/requirements
for region in $(python3 scripts/alexa_regions.py); do rm -rf "${out:?}/$region"; done
status=0 i=0
for region in $regions; do
  if ! wait "${pids[i++]}"; then
    echo "package.sh: packaging for $region failed:" >&2
    cat "$work/$region.log" >&2
    status=1
    continue
  fi
  target="$out"
  [[ $region == "$default_region" ]] || target="$out/$region"
  mkdir -p "$target"
  for file in "$work/$region/.serverless"/*; do
    if [[ -f $file ]]; then cp "$file" "$target/"; fi
  done
  echo "Packaged $region into ${target#"$PWD"/}"
done
exit "$status"
