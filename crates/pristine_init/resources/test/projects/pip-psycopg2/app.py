import psycopg2.extensions
from flask import Flask

from message import MESSAGE

app = Flask(__name__)


@app.route("/")
def index():
    # Proves that the compiled extension loads libpq at run time.
    return f"{MESSAGE} (libpq {psycopg2.extensions.libpq_version()})"


if __name__ == "__main__":
    app.run(port=8106)
