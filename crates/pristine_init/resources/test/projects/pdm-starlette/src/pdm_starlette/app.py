from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from pdm_starlette.message import MESSAGE


async def index(request):
    return PlainTextResponse(MESSAGE)


app = Starlette(routes=[Route("/", index)])

if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, port=8105)
