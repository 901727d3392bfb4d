MESSAGE = "hello from pdm-starlette"
