MESSAGE = "hello from pyproject-cli"
