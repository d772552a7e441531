// Serverless variable source for `pythonBin`: the Python that installs the Lambda's requirements,
// found exactly as the make targets find it (scripts/lambda_python.py: $LAMBDA_PYTHON, else
// python3.12 on PATH or in pyenv, else python3 itself). Any Python with pip builds a correct zip,
// because pip is told Lambda's platform and version, so `npx serverless package` works directly.
'use strict';

const { execFileSync } = require('child_process');
const path = require('path');

module.exports = () => {
  try {
    const script = path.join(__dirname, 'lambda_python.py');
    return execFileSync('python3', [script], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error(
      `No Python to build the Lambda package with (${error.message}). Install python3, ` +
        'or set LAMBDA_PYTHON=/path/to/python3.12, or run `make package` / `make deploy`.',
    );
  }
};
