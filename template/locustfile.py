"""Load profile for `make load`: the greeting endpoints in a fixed mix.

Each simulated user sends one request per second, so `make load` starts RPS users to
reach RPS requests per second. A wrong status or body counts as a failure.
"""

from locust import HttpUser, constant_throughput, task


class GreetingUser(HttpUser):
    """A client that greets the world, greets by name and checks health."""

    wait_time = constant_throughput(1)

    @task(3)
    def greet_world(self) -> None:
        with self.client.get("/", name="GET /", catch_response=True) as response:
            if response.status_code != 200 or response.text != "Hello World!":
                response.failure(f"expected 200 'Hello World!', got {response.status_code} {response.text[:80]!r}")

    @task(2)
    def greet_name(self) -> None:
        with self.client.post(
            "/", data=b"Load", headers={"Content-Type": "text/plain"}, name="POST /", catch_response=True
        ) as response:
            if response.status_code != 200 or response.text != "Hello Load World!":
                response.failure(f"expected 200 'Hello Load World!', got {response.status_code} {response.text[:80]!r}")

    @task(1)
    def health(self) -> None:
        with self.client.get("/health", name="GET /health", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"expected 200, got {response.status_code}")
