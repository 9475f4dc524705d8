import sys

from paxscreen.cli import main

sys.exit(main())
