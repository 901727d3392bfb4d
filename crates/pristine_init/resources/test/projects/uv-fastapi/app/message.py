MESSAGE = "hello from uv-fastapi"
