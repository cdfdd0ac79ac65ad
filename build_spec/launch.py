"""Entry script of the frozen app: the same command line as custseg-gui."""

import sys

from custseg_gui.app import main

if __name__ == "__main__":
    sys.exit(main())
