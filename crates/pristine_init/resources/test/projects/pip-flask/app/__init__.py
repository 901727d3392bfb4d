from flask import Flask

from app.message import MESSAGE


def create_app():
    app = Flask(__name__)

    @app.get("/")
    def index():
        return MESSAGE

    return app
