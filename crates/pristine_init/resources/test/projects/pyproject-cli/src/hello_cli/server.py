import os

from waitress import serve

from hello_cli.message import MESSAGE


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [MESSAGE.encode()]


def main():
    serve(app, host="0.0.0.0", port=int(os.environ.get("PORT", "8107")))
