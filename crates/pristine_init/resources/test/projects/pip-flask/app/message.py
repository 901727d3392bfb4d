MESSAGE = "hello from pip-flask"
