#!/usr/bin/env bash
# Build the Lambda zip and the CloudFormation template offline: no AWS account, no credentials.
# Usage: scripts/package.sh OUTPUT_DIR [serverless package options, e.g. --stage prod]
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "${1:?usage: scripts/package.sh OUTPUT_DIR [options]}")"
shift
source scripts/sls-env.sh
# Packaging must not need AWS: hide every credential source the AWS SDK would look at.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE
export AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
# The skill id is baked into the trigger; a stand-in keeps offline builds possible.
export SKILL_ID="${SKILL_ID:-amzn1.ask.skill.00000000-0000-0000-0000-000000000000}"

# Serverless stages its work in <service>/.serverless, so two builds at once in one checkout
# would trample each other: build in a private copy of the work tree, then copy the artifacts
# out. (Not `--package OUT`: Serverless v3 moves nothing when OUT ends in ".serverless".)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar --exclude=./.git --exclude=./.venv --exclude=./node_modules --exclude=./.serverless \
  --exclude=./build --exclude='__pycache__' -cf - . | tar -xf - -C "$work"
ln -s "$PWD/node_modules" "$work/node_modules"
cd "$work"
sls package "$@"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
cp -R .serverless "$out"
