"""The HTTP side: the ASGI application and the request/response values it passes around."""
