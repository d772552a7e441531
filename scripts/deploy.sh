#!/usr/bin/env bash
# Deploy the skill to AWS in each region Alexa calls from: the same stack everywhere (Serverless:
# the Lambda with its Alexa trigger), the audio hosting, the MP3 clips and beside them the privacy
# policy pages once, with the us-east-1 stack (AWS CLI), then the skill package with every
# deployed region's endpoint and every locale's privacy policy address.
# Needs AWS credentials, the AWS CLI v2 and SKILL_ID.
# Usage: scripts/deploy.sh [--stage S] [--regions "us-east-1 eu-west-1 us-west-2"]  (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."

stage=dev
selection=""
while (($#)); do
  case "$1" in
    --stage) stage="$2"; shift 2 ;;
    --regions) selection="$2"; shift 2 ;;
    *) echo "usage: $0 [--stage STAGE] [--regions \"REGION ...\"]" >&2; exit 2 ;;
  esac
done
regions="$(python3 scripts/alexa_regions.py "$selection")" || exit 2
all_regions="$(python3 scripts/alexa_regions.py)"
# The first is North America's: the default endpoint, and the stack that hosts the clips.
audio_region="${all_regions%% *}"
: "${SKILL_ID:?set SKILL_ID to the skill id (amzn1.ask.skill...): see docs/deploying.md}"
command -v aws >/dev/null || { echo "deploy needs the AWS CLI v2 (aws) on PATH" >&2; exit 1; }
source scripts/sls-env.sh

stack="leg-cramp-helper-$stage"
mkdir -p build
# Each region's describe-stacks output; only the stacks described in this run are listed.
rm -f build/stack-outputs-*.json
outputs() { echo "build/stack-outputs-$1.json"; }
describe() {
  if aws cloudformation describe-stacks --region "$1" --stack-name "$stack" --output json \
    >"$(outputs "$1").part"; then
    mv "$(outputs "$1").part" "$(outputs "$1")"
  else
    rm -f "$(outputs "$1").part"
    return 1
  fi
}
output() {
  python3 -c 'import json, sys
outputs = json.load(open(sys.argv[1]))["Stacks"][0]["Outputs"]
print(next(o["OutputValue"] for o in outputs if o["OutputKey"] == sys.argv[2]))' "$(outputs "$1")" "$2"
}
# Upload new and changed clips (only MP3s: the Lambda zip carries the manifest) and the privacy
# pages (privacy/*.html, served as <AudioBaseUrl>/privacy/<language>.html: the one prefix the
# distribution may read), remove what no longer exists, and drop CloudFront's cached copies when
# anything changed. Each sync's filters also limit what its --delete removes.
sync_audio() {
  local bucket changes pages
  bucket="$(output "$audio_region" AudioBucketName)"
  changes="$(aws s3 sync audio/ "s3://$bucket/audio/" --region "$audio_region" --delete \
    --no-progress --exclude '*' --include '*.mp3' --content-type audio/mpeg \
    --cache-control 'max-age=86400')"
  pages="$(aws s3 sync privacy/ "s3://$bucket/audio/privacy/" --region "$audio_region" --delete \
    --no-progress --exclude '*' --include '*.html' --content-type 'text/html; charset=utf-8' \
    --cache-control 'max-age=3600')"
  changes="$(printf '%s\n%s' "$changes" "$pages")"
  printf '%s\n' "$changes"
  if grep -qE '^(upload|delete):' <<<"$changes"; then
    aws cloudfront create-invalidation --distribution-id "$(output "$audio_region" AudioDistributionId)" \
      --paths '/audio/*' --query 'Invalidation.Id' --output text
  fi
}

# With an existing audio stack, clips go up before any new code that may point at them.
if describe "$audio_region" 2>/dev/null; then
  sync_audio
fi
for region in $regions; do
  echo "Deploying $stack to $region"
  if [[ $region == "$audio_region" ]]; then
    sls deploy --stage "$stage" --region "$region"
    describe "$region"
    sync_audio
  else
    if [[ ! -f $(outputs "$audio_region") ]]; then
      echo "$region plays the clips hosted by the $audio_region stack, which is not deployed:" \
        "deploy $audio_region first (make deploy, or REGIONS=\"$audio_region $region\")" >&2
      exit 1
    fi
    AUDIO_BASE_URL="$(output "$audio_region" AudioBaseUrl)" \
      sls deploy --stage "$stage" --region "$region"
    describe "$region"
  fi
done
# Regions deployed by an earlier run keep their endpoints in the manifest.
for region in $all_regions; do
  [[ -f $(outputs "$region") ]] || describe "$region" 2>/dev/null || true
done
described=() manifest_args=()
for region in $all_regions; do
  if [[ -f $(outputs "$region") ]]; then
    described+=("$region")
    manifest_args+=(--outputs "$(outputs "$region")")
  fi
done
python3 scripts/skill_manifest.py "${manifest_args[@]}"
for region in "${described[@]}"; do
  echo "Lambda endpoint in $region: $(output "$region" SkillFunctionArn)"
done
echo "Clips served from: $(output "$audio_region" AudioBaseUrl)"
echo "Privacy policies: $(output "$audio_region" AudioBaseUrl)/privacy/en.html and .../es.html"
echo "Next: make deploy-skill (ASK CLI) sends build/skill-package to Alexa."
