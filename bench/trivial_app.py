"""The benchmark's baseline: an ASGI app that answers every request 200 with a small XML body.

It reads the request body and answers a well-formed STS GetCallerIdentity response, so
that botocore accepts it too. ``python bench/trivial_app.py --port P`` serves it with the
uvicorn configuration ``headwater serve`` uses (uvloop, httptools, one worker, no access
log), so the difference between the two is headwater's own request pipeline.
"""

from __future__ import annotations

import argparse
import logging
import sys

BODY = b"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::000000000000:root</Arn>
    <UserId>000000000000</UserId>
    <Account>000000000000</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"""

HEADERS = [(b"content-type", b"text/xml"), (b"content-length", str(len(BODY)).encode())]


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False) and message["type"] == "http.request"
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    from headwater.cli import uvicorn_config
    from headwater.config import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=args.log_level.upper())
    settings = Settings(host=args.host, port=args.port)
    uvicorn.Server(uvicorn_config(app, settings, args.log_level)).run()


if __name__ == "__main__":
    main()
