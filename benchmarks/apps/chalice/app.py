"""The hello service as a Chalice app."""

from chalice import Chalice, Response

app = Chalice(app_name="hello")


def _greeting(name):
    name = (name or "").strip()
    return f"Hello {name} World!" if name else "Hello World!"


def _text(body):
    return Response(body=body, headers={"Content-Type": "text/plain; charset=utf-8"})


@app.route("/", methods=["GET"])
def hello_get():
    query = app.current_request.query_params or {}
    return _text(_greeting(query.get("name")))


@app.route("/", methods=["POST"], content_types=["text/plain", "application/x-www-form-urlencoded"])
def hello_post():
    return _text(_greeting(app.current_request.raw_body.decode("utf-8")))
