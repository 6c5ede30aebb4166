"""The hello service with Powertools' REST and HTTP API resolvers."""

from aws_lambda_powertools.event_handler import (
    APIGatewayHttpResolver,
    APIGatewayRestResolver,
    Response,
)

rest_app = APIGatewayRestResolver()
http_app = APIGatewayHttpResolver()


def _greeting(name):
    name = (name or "").strip()
    return f"Hello {name} World!" if name else "Hello World!"


def _text(body):
    return Response(status_code=200, content_type="text/plain; charset=utf-8", body=body)


def _add_routes(resolver):
    @resolver.get("/")
    def hello_get():
        return _text(_greeting(resolver.current_event.get_query_string_value("name")))

    @resolver.post("/")
    def hello_post():
        return _text(_greeting(resolver.current_event.decoded_body))


_add_routes(rest_app)
_add_routes(http_app)


def rest_handler(event, context):
    return rest_app.resolve(event, context)


def http_handler(event, context):
    return http_app.resolve(event, context)
