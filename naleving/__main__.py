import sys

from naleving.cli import main

sys.exit(main())
