import sys

from aytada.cli import main

sys.exit(main())
