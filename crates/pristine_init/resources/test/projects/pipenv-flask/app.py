from flask import Flask

from message import MESSAGE

app = Flask(__name__)


@app.route("/")
def index():
    return MESSAGE


if __name__ == "__main__":
    app.run(port=8104)
