#!/usr/bin/env bash
# Deploy the skill to AWS: the Lambda with its Alexa trigger and the audio hosting (Serverless),
# the MP3 clips (AWS CLI), then the skill package with the Lambda endpoint filled in.
# Needs AWS credentials, the AWS CLI v2 and SKILL_ID. Usage: scripts/deploy.sh [--stage S] [--region R]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/sls-env.sh

stage=dev
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}"
while (($#)); do
  case "$1" in
    --stage) stage="$2"; shift 2 ;;
    --region) region="$2"; shift 2 ;;
    *) echo "usage: $0 [--stage STAGE] [--region REGION]" >&2; exit 2 ;;
  esac
done
: "${SKILL_ID:?set SKILL_ID to the skill id (amzn1.ask.skill...): see README, Deploying}"
command -v aws >/dev/null || { echo "deploy needs the AWS CLI v2 (aws) on PATH" >&2; exit 1; }

stack="leg-cramp-helper-$stage"
outputs=build/stack-outputs.json
mkdir -p build

describe() {
  aws cloudformation describe-stacks --region "$region" --stack-name "$stack" --output json
}
output() {
  python3 -c 'import json, sys
outputs = json.load(open(sys.argv[1]))["Stacks"][0]["Outputs"]
print(next(o["OutputValue"] for o in outputs if o["OutputKey"] == sys.argv[2]))' "$outputs" "$1"
}
# Upload new and changed clips (only MP3s: the Lambda zip carries the manifest), remove
# clips that no longer exist, and drop CloudFront's cached copies when anything changed.
sync_audio() {
  local bucket changes
  bucket="$(output AudioBucketName)"
  changes="$(aws s3 sync audio/ "s3://$bucket/audio/" --region "$region" --delete --no-progress \
    --exclude '*' --include '*.mp3' --content-type audio/mpeg --cache-control 'max-age=86400')"
  printf '%s\n' "$changes"
  if grep -qE '^(upload|delete):' <<<"$changes"; then
    aws cloudfront create-invalidation --distribution-id "$(output AudioDistributionId)" \
      --paths '/audio/*' --query 'Invalidation.Id' --output text
  fi
}

# On an existing stack, clips go up before the new code that may point at them.
if describe >"$outputs" 2>/dev/null; then
  sync_audio
fi
sls deploy --stage "$stage" --region "$region"
describe >"$outputs"
sync_audio
python3 scripts/skill_manifest.py --outputs "$outputs"
echo "Lambda endpoint: $(output SkillFunctionArn)"
echo "Clips served from: $(output AudioBaseUrl)"
echo "Next: make deploy-skill (ASK CLI) sends build/skill-package to Alexa."
