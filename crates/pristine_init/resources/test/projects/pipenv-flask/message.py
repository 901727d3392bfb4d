MESSAGE = "hello from pipenv-flask"
