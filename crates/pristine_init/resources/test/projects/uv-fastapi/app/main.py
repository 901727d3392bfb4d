from fastapi import FastAPI

from app.message import MESSAGE

app = FastAPI()


@app.get("/")
def index() -> dict[str, str]:
    return {"message": MESSAGE}


if __name__ == "__main__":
    import uvicorn

    uvicorn.run("app.main:app", host="127.0.0.1", port=8102, reload=True)
