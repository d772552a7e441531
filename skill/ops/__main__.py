"""`python -m skill.ops`: see `skill.ops.cli`."""

from skill.ops.cli import main

raise SystemExit(main())
