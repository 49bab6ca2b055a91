import sys

from claimline.cli import main

sys.exit(main())
