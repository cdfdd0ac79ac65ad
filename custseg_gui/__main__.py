"""python -m custseg_gui"""

import sys

from custseg_gui.app import main

if __name__ == "__main__":
    sys.exit(main())
