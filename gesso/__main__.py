"""`python -m gesso` runs the command-line interface."""

from gesso.cli.main import main

raise SystemExit(main())
