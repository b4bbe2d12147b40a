import sys

from wordvec.command import run

sys.exit(run())
