# Sourced by the deploy scripts: Serverless Framework v3 without telemetry, notifications or
# update notices, and the Python that installs the Lambda's requirements.
export SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off SLS_DEPRECATION_NOTIFICATION_MODE=warn
LAMBDA_PYTHON="${LAMBDA_PYTHON:-$(python3 "$(dirname "${BASH_SOURCE[0]}")/lambda_python.py")}"
export LAMBDA_PYTHON
sls() { npx --no-install serverless "$@"; }
