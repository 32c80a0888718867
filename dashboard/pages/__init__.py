"""One module per screen. Each exposes ``register(app)``, called by
:func:`dashboard.app.create_app`, which registers the page with Dash Pages and attaches its
callbacks to that app."""
