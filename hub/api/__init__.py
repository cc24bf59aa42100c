"""The public read API (``/api/v1/``): JSON for partner sites and apps, published content
only. The blueprint is in `hub.api.routes`; the factory registers it."""
