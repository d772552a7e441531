"""`python -m skill.simulator`: see `skill.simulator.cli`."""

from skill.simulator.cli import main

raise SystemExit(main())
