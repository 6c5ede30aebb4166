"""The hello service written as the Serverless Framework's Flask example writes it."""

from flask import Flask, request

app = Flask(__name__)


def _greeting(name):
    name = (name or "").strip()
    return f"Hello {name} World!" if name else "Hello World!"


@app.route("/", methods=["GET", "POST"])
def hello():
    if request.method == "POST":
        return _greeting(request.get_data(as_text=True))
    return _greeting(request.args.get("name"))
