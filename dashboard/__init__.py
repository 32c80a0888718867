"""The phuxanh web dashboard (Dash). Start it with :func:`dashboard.app.run` or
``python -m dashboard``; build it for tests with :func:`dashboard.app.create_app`."""
