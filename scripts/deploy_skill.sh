#!/usr/bin/env bash
# Send the skill package that `make deploy` wrote (manifest with the Lambda endpoint, interaction
# models) to Alexa with the ASK CLI v2, then enable the skill for testing on your account's devices.
# Needs `ask configure` done once, and SKILL_ID.
set -euo pipefail
cd "$(dirname "$0")/.."
package=build/skill-package
: "${SKILL_ID:?set SKILL_ID to the skill id (amzn1.ask.skill...): see docs/deploying.md}"
command -v ask >/dev/null || { echo "needs the ASK CLI: npm install -g ask-cli && ask configure" >&2; exit 1; }
test -f "$package/skill.json" || { echo "no $package/skill.json: run make deploy first" >&2; exit 1; }

ask smapi update-skill-manifest -s "$SKILL_ID" -g development --manifest "file:$package/skill.json"
for model in "$package"/interactionModels/custom/*.json; do
  ask smapi set-interaction-model -s "$SKILL_ID" -g development -l "$(basename "$model" .json)" \
    --interaction-model "file:$model"
done
ask smapi set-skill-enablement -s "$SKILL_ID" -g development
echo "Enabled for testing: say \"Alexa, open leg cramp helper\" to a device on this Amazon account."
