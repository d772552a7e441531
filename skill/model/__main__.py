"""`python -m skill.model`: regenerate (or `--check`) every locale's interaction model."""

import sys

from skill.model.generate import main

sys.exit(main())
