#!/usr/bin/env python3
"""Runs lit (installed from PyPI) with the interpreter CMake found."""
from lit.main import main

if __name__ == "__main__":
    main()
